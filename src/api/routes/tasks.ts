import { Hono } from 'hono';
import { z } from 'zod';
import type { Tx } from '../../db/client.js';
import { accountLimits } from '../../domain/account-limits.js';
import { AppError, conflict } from '../../domain/errors.js';
import { forgetIdempotencyKey, pendingTask, runIdempotent, type IdempotencyScope, type RecordedResponse } from '../../domain/idempotency.js';
import { createTaskWithinQuota } from '../../domain/quotas.js';
import { finishTask, isTerminal } from '../../domain/task-lifecycle.js';
import { prepareTaskRetry } from '../../domain/task-retry.js';
import { queryTaskProgress, requestTaskCancel } from '../../temporal/task-control.js';
import { getTaskDetail, listArticles, listTasks } from '../../domain/task-queries.js';
import { TASK_STATUSES } from '../../db/schema.js';
import { startTaskWorkflow } from '../../temporal/start-task-workflow.js';
import { taskRequestSchema } from '../schemas/task-request.js';
import { idempotencyScope, respondRecorded } from '../idempotency-key.js';
import type { ApiEnv, RouteDeps } from '../types.js';
import { pagination, parseIdParam, parseJsonBody, parseQuery } from '../validation.js';
import type { ApiOperation } from '../openapi.js';

const listQuery = pagination.extend({
  status: z.enum(TASK_STATUSES, { message: `status must be one of ${TASK_STATUSES.join(', ')}` }).optional(),
});

const taskArticlesQuery = pagination.extend({ pageSize: pagination.shape.pageSize.default(100) });

export function taskRoutes({ db, temporal, log, defaultConcurrency, defaultTimeoutSeconds, limits }: RouteDeps) {
  /** Starts the task's workflow; when Temporal is down the task is failed and releases everything. */
  async function startOrRelease(task: { id: number; accountId: number; priority: number }, scope?: IdempotencyScope) {
    try {
      await startTaskWorkflow(temporal, task);
    } catch (err) {
      log.error({ err, taskId: task.id }, 'workflow start failed; releasing the reservations');
      const reason = `the workflow could not be started: ${(err as Error).message}`;
      await finishTask(db, task.id, { status: 'failed', reason });
      if (scope) await forgetIdempotencyKey(db, scope);
      throw new AppError(503, 'WORKFLOW_START_FAILED', 'Temporal is unavailable, so the task could not start; its distillations were released. Try again shortly.', { taskId: task.id });
    }
  }

  /**
   * Runs a create or retry (with its Idempotency-Key, when sent, in the same transaction), then starts
   * the task's workflow when the task is still pending: a replay whose first request died before the
   * start starts it now, and one already started counts as started.
   */
  async function recordedThenStarted(scope: IdempotencyScope | undefined, work: (tx: Tx) => Promise<RecordedResponse>) {
    const result = scope ? await runIdempotent(db, scope, work) : { ...(await db.transaction(work)), replayed: false };
    const task = await pendingTask(db, result.resourceId);
    if (task) await startOrRelease(task, scope);
    return result;
  }

  return new Hono<ApiEnv>()
    .post('/', async (c) => {
      const input = await parseJsonBody(c, taskRequestSchema);
      const accountId = c.get('accountId');
      const request = { ...input, concurrency: input.concurrency ?? defaultConcurrency, timeoutSeconds: input.timeoutSeconds ?? defaultTimeoutSeconds };
      const result = await recordedThenStarted(idempotencyScope(c, input), async (tx) => {
        const { task, priorityCapped } = await createTaskWithinQuota(tx, accountId, request, await accountLimits(tx, accountId, limits));
        const body = {
          taskId: task.id,
          status: task.status,
          workflowId: task.workflowId,
          selectedDistillationIds: task.selectedDistillationIds,
          createdAt: task.createdAt.toISOString(),
          ...(priorityCapped ? { priorityCapped } : {}),
        };
        return { status: 201, body, resourceId: task.id };
      });
      return respondRecorded(c, result);
    })
    .get('/', async (c) => c.json(await listTasks(db, c.get('accountId'), parseQuery(c, listQuery))))
    .get('/:id', async (c) => c.json(await getTaskDetail(db, c.get('accountId'), parseIdParam(c))))
    .post('/:id/cancel', async (c) => {
      const taskId = parseIdParam(c);
      const task = await getTaskDetail(db, c.get('accountId'), taskId);
      if (isTerminal(task.status)) {
        throw conflict('TASK_ALREADY_FINISHED', `Task ${taskId} is already ${task.status}; only pending or running tasks can be canceled.`, { status: task.status });
      }
      const outcome = await requestTaskCancel(db, temporal.client, taskId);
      return c.json({ taskId, status: outcome === 'finished' ? 'canceled' : 'cancel_requested' }, 202);
    })
    .post('/:id/retry', async (c) => {
      const taskId = parseIdParam(c);
      const result = await recordedThenStarted(idempotencyScope(c, null), async (tx) => {
        const { task, positions, replacements } = await prepareTaskRetry(tx, c.get('accountId'), taskId);
        return { status: 202, body: { taskId, status: 'pending', retryCount: task.retryCount, positions, replacements }, resourceId: taskId };
      });
      return respondRecorded(c, result);
    })
    .get('/:id/progress', async (c) => {
      const taskId = parseIdParam(c);
      const task = await getTaskDetail(db, c.get('accountId'), taskId);
      const live = isTerminal(task.status) ? null : await queryTaskProgress(temporal.client, taskId);
      const stored = {
        status: task.status,
        requestedCount: task.requestedCount,
        generatedCount: task.generatedCount,
        failedCount: task.failedCount,
        skippedCount: task.skippedCount,
        progress: task.progress,
        inFlight: 0,
      };
      return c.json({ taskId, source: live ? 'workflow' : 'database', ...(live ?? stored) });
    })
    .get('/:id/articles', async (c) => {
      const taskId = parseIdParam(c);
      await getTaskDetail(db, c.get('accountId'), taskId);
      const q = parseQuery(c, taskArticlesQuery);
      return c.json(await listArticles(db, c.get('accountId'), { taskId, ...q }));
    });
}

export const taskOperations: ApiOperation[] = [
  {
    method: 'post',
    path: '/',
    summary: 'Create a task: select the least used distillations and start its workflow (Idempotency-Key: a repeat returns the first answer)',
    body: taskRequestSchema,
    status: 201,
  },
  { method: 'get', path: '/', summary: 'List tasks with their first keyword and counts', query: listQuery },
  { method: 'get', path: '/:id', summary: 'One task with its selected distillations, items and articles' },
  { method: 'post', path: '/:id/cancel', summary: 'Cancel a running task (saved articles stay, open items are released)', status: 202 },
  { method: 'post', path: '/:id/retry', summary: 'Retry a failed, partial, canceled or timed-out task: only the positions without an article', status: 202 },
  { method: 'get', path: '/:id/progress', summary: "The workflow's live progress (counts, in flight), or the stored counts once finished" },
  { method: 'get', path: '/:id/articles', summary: "The task's articles in order of position", query: taskArticlesQuery },
];
