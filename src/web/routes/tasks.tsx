/** @jsxImportSource hono/jsx */
import { Hono } from 'hono';
import { z } from 'zod';
import { taskRequestSchema } from '../../api/schemas/task-request.js';
import { taskStarter } from '../../api/task-start.js';
import type { ApiDeps } from '../../api/types.js';
import { parseIdParam } from '../../api/validation.js';
import { DEFAULT_LIMITS } from '../../config.js';
import { TASK_STATUSES } from '../../db/schema.js';
import { accountLimits } from '../../domain/limits/account-limits.js';
import { AppError } from '../../domain/errors.js';
import { createTaskWithinQuota } from '../../domain/limits/quotas.js';
import { countSelectableDistillations } from '../../domain/tasks/selection.js';
import { getTaskDetail, listTasks } from '../../domain/tasks/task-queries.js';
import { prepareTaskRetry } from '../../domain/tasks/task-retry.js';
import { cancelTaskOfAccount } from '../../temporal/task-control.js';
import type { WebContext, WebEnv } from '../context.js';
import { page } from '../layout.js';
import { NewTaskPage, type NewTaskView } from '../pages/new-task.js';
import { TaskDetailPage } from '../pages/task-detail.js';
import { TasksPage } from '../pages/tasks.js';

const statusFilter = z.enum(TASK_STATUSES).optional().catch(undefined);
const text = (v: unknown) => (typeof v === 'string' ? v.trim() : '');
/** A form's number field: empty means "not given", anything else goes to the API's schema as a number. */
const numberField = (v: string) => (v === '' ? undefined : Number(v));

export function taskRoutes(deps: ApiDeps) {
  const { db, temporal } = deps;
  const recordedThenStarted = taskStarter(deps);

  async function newTaskPage(c: WebContext, extra: Omit<NewTaskView, 'available'> = {}, status: 200 | 400 | 429 = 200) {
    const available = await countSelectableDistillations(db, c.get('session').accountId);
    return page(c, <NewTaskPage c={c} v={{ available, ...extra }} />, status as 200 | 400);
  }

  return new Hono<WebEnv>()
    .get('/', async (c) => {
      const status = statusFilter.parse(c.req.query('status') || undefined);
      const list = await listTasks(db, c.get('session').accountId, { page: 1, pageSize: 50, status });
      return page(c, <TasksPage c={c} list={list} status={status} />);
    })
    .get('/new', (c) => newTaskPage(c))
    .post('/', async (c) => {
      const body = await c.req.parseBody();
      const input = { articleCount: text(body.articleCount), priority: text(body.priority), concurrency: text(body.concurrency), autoApprove: body.autoApprove === 'on' };
      const parsed = taskRequestSchema.safeParse({
        articleCount: numberField(input.articleCount),
        priority: numberField(input.priority),
        concurrency: numberField(input.concurrency),
        autoApprove: input.autoApprove,
      });
      if (!parsed.success) return newTaskPage(c, { input, error: parsed.error.issues.map((i) => i.message).join('; ') }, 400);
      const accountId = c.get('session').accountId;
      const request = { ...parsed.data, concurrency: parsed.data.concurrency ?? deps.defaultConcurrency, timeoutSeconds: deps.defaultTimeoutSeconds };
      try {
        const result = await recordedThenStarted(undefined, async (tx) => {
          const limits = await accountLimits(tx, accountId, deps.limits ?? DEFAULT_LIMITS);
          const { task } = await createTaskWithinQuota(tx, accountId, request, limits);
          return { status: 201, body: {}, resourceId: task.id };
        });
        c.set('auditTargets', { taskId: result.resourceId! });
        return c.redirect(`/tasks/${result.resourceId}`, 303);
      } catch (err) {
        // The seed's insufficient-distillations message (and a quota refusal) belong beside the field.
        if (err instanceof AppError && (err.status === 400 || err.status === 429)) return newTaskPage(c, { input, error: err.message }, err.status);
        throw err;
      }
    })
    .get('/:id', async (c) => {
      const task = await getTaskDetail(db, c.get('session').accountId, parseIdParam(c));
      return page(c, <TaskDetailPage c={c} task={task} />);
    })
    .post('/:id/cancel', async (c) => {
      const taskId = parseIdParam(c);
      await cancelTaskOfAccount(db, temporal.client, c.get('session').accountId, taskId);
      return c.redirect(`/tasks/${taskId}`, 303);
    })
    .post('/:id/retry', async (c) => {
      const taskId = parseIdParam(c);
      const accountId = c.get('session').accountId;
      await recordedThenStarted(undefined, async (tx) => {
        await prepareTaskRetry(tx, accountId, taskId);
        return { status: 202, body: {}, resourceId: taskId };
      });
      return c.redirect(`/tasks/${taskId}`, 303);
    });
}
