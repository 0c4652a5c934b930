import { Hono } from 'hono';
import { z } from 'zod';
import { AppError } from '../../domain/errors.js';
import { createTaskWithReservations, MAX_ARTICLES_PER_TASK } from '../../domain/selection.js';
import { finishTask } from '../../domain/task-lifecycle.js';
import { getTaskDetail, listArticles, listTasks } from '../../domain/task-queries.js';
import { TASK_STATUSES } from '../../db/schema.js';
import { startTaskWorkflow } from '../../temporal/start-task-workflow.js';
import type { ApiDeps, ApiEnv } from '../types.js';
import { pagination, parseIdParam, parseJsonBody, parseQuery, positiveId } from '../validation.js';

const createTaskInput = z.object({
  articleCount: z
    .number({ message: 'articleCount is required and must be a number' })
    .int('articleCount must be a whole number')
    .min(1, 'articleCount must be at least 1')
    .max(MAX_ARTICLES_PER_TASK, `articleCount must be at most ${MAX_ARTICLES_PER_TASK}`),
  articleSettingId: positiveId.nullish(),
  knowledgeBaseId: positiveId.nullish(),
  albumId: positiveId.nullish(),
  conversionTargetId: positiveId.nullish(),
  priority: z.number().int().min(1, 'priority must be 1-10').max(10, 'priority must be 1-10').default(5),
  concurrency: z.number().int().min(1, 'concurrency must be 1-20').max(20, 'concurrency must be 1-20').optional(),
  autoApprove: z.boolean().default(true),
  maxRetries: z.number().int().min(0).max(10).default(3),
});

const listQuery = pagination.extend({
  status: z.enum(TASK_STATUSES, { message: `status must be one of ${TASK_STATUSES.join(', ')}` }).optional(),
});

export function taskRoutes({ db, temporal, log, defaultConcurrency }: ApiDeps) {
  return new Hono<ApiEnv>()
    .post('/', async (c) => {
      const input = await parseJsonBody(c, createTaskInput);
      const accountId = c.get('accountId');
      const task = await createTaskWithReservations(db, accountId, {
        ...input,
        concurrency: input.concurrency ?? defaultConcurrency,
      });
      try {
        await startTaskWorkflow(temporal, task);
      } catch (err) {
        log.error({ err, taskId: task.id }, 'workflow start failed; releasing the reservations');
        const reason = `the workflow could not be started: ${(err as Error).message}`;
        await finishTask(db, task.id, { status: 'failed', reason });
        throw new AppError(503, 'WORKFLOW_START_FAILED', 'Temporal is unavailable, so the task could not start; its distillations were released. Try again shortly.', { taskId: task.id });
      }
      return c.json(
        { taskId: task.id, status: task.status, workflowId: task.workflowId, selectedDistillationIds: task.selectedDistillationIds, createdAt: task.createdAt },
        201,
      );
    })
    .get('/', async (c) => c.json(await listTasks(db, c.get('accountId'), parseQuery(c, listQuery))))
    .get('/:id', async (c) => c.json(await getTaskDetail(db, c.get('accountId'), parseIdParam(c))))
    .get('/:id/articles', async (c) => {
      const taskId = parseIdParam(c);
      await getTaskDetail(db, c.get('accountId'), taskId);
      const q = parseQuery(c, pagination.extend({ pageSize: pagination.shape.pageSize.default(100) }));
      return c.json(await listArticles(db, c.get('accountId'), { taskId, ...q }));
    });
}
