import { Hono } from 'hono';
import { z } from 'zod';
import { accountLimits } from '../../domain/limits/account-limits.js';
import { createTaskWithinQuota } from '../../domain/limits/quotas.js';
import { isTerminal } from '../../domain/tasks/task-lifecycle.js';
import { prepareTaskRetry } from '../../domain/tasks/task-retry.js';
import { cancelTaskOfAccount, queryTaskProgress } from '../../temporal/task-control.js';
import { listArticles } from '../../domain/articles/index.js';
import { getTaskDetail, listTasks } from '../../domain/tasks/task-queries.js';
import { ITEM_STATES, TASK_STATUSES } from '../../db/schema.js';
import { taskStarter } from '../../services/task-start.js';
import { taskRequestSchema } from '../../http/schemas/task-request.js';
import { IDEMPOTENCY_KEY_PARAMETER, idempotencyScope, respondRecorded } from '../idempotency-key.js';
import type { RouteDeps } from '../../http/deps.js';
import type { ApiEnv } from '../types.js';
import { pagination, parseIdParam, parseJsonBody, parseQuery } from '../../http/validation.js';
import type { ApiOperation } from '../operation.js';
import { count, id, nullableTimestamp, paged, timestamp } from '../../http/schemas/common.js';
import { articleList, articleSummary } from '../../http/schemas/article-responses.js';
import { costFields } from '../../http/schemas/cost.js';

const listQuery = pagination.extend({
  status: z.enum(TASK_STATUSES, { message: `status must be one of ${TASK_STATUSES.join(', ')}` }).optional(),
});

const taskArticlesQuery = pagination.extend({ pageSize: pagination.shape.pageSize.default(100) });

const status = z.enum(TASK_STATUSES);
const counts = { requestedCount: id, generatedCount: count, failedCount: count, skippedCount: count, progress: z.number().int().min(0).max(100) };
const taskColumns = {
  id,
  status,
  ...counts,
  priority: z.number().int().min(1).max(10),
  errorMessage: z.string().nullable(),
  pauseReason: z.string().nullable().describe("Why a paused task waits: its account's budget is spent (it resumes by itself at the roll-over or when the budget is raised); null unless paused"),
  provider: z.string().nullable(),
  model: z.string().nullable(),
  workflowId: z.string().nullable(),
  createdAt: timestamp,
  updatedAt: timestamp,
  completedAt: nullableTimestamp,
};

const created = z.object({
  taskId: id,
  status,
  workflowId: z.string().nullable(),
  selectedDistillationIds: z.array(id).nullable(),
  createdAt: timestamp,
  priorityCapped: z.object({ requested: z.number().int(), applied: z.number().int() }).optional().describe("Set when the account's highest priority lowered the requested one"),
});

const taskList = paged(
  'tasks',
  z.object({
    ...taskColumns,
    keyword: z.string().nullable().describe('The first distillation keyword'),
    distillationCount: count,
    distillationResult: z.string().nullable().describe('The keyword, or "Used N distillations (使用了N个蒸馏结果)"'),
    retryCount: count,
    maxRetries: count,
  }),
);

const ingredientId = id.nullable();
const taskDetail = z.object({
  ...taskColumns,
  accountId: id,
  selectedDistillationIds: z.array(id).nullable(),
  distillationId: id.nullable().describe('Legacy single-distillation tasks only'),
  articleSettingId: ingredientId.describe('Deprecated: tasks pick a prompt template (templateId)'),
  templateId: ingredientId.describe("The prompt template pinned at creation; null: the built-in default prompt (or the article setting)"),
  templateRevision: id.nullable().describe('The revision of it the articles are written with'),
  knowledgeBaseId: ingredientId,
  albumId: ingredientId,
  conversionTargetId: ingredientId,
  concurrency: z.number().int().min(1).max(20),
  autoApprove: z.boolean(),
  timeoutSeconds: id.nullable(),
  timeoutAt: nullableTimestamp,
  retryCount: count,
  maxRetries: count,
  flaggedCount: count.describe('Saved articles the quality gate flagged (their rewrites spent, or the provider failed after a draft)'),
  promptTokens: count,
  completionTokens: count,
  submittedAt: timestamp,
  startedAt: nullableTimestamp,
  keyword: z.string().nullable(),
  selectedDistillations: z.array(z.object({ id, keyword: z.string().nullable(), deleted: z.boolean() })).describe('In order of use'),
  items: z.array(
    z.object({ position: count, distillationId: id, state: z.enum(ITEM_STATES), attempts: count, error: z.string().nullable(), articleId: id.nullable() }),
  ),
  generatedArticles: z.array(articleSummary),
  attemptsDurationMs: count.describe('Milliseconds its articles spent in attempts, summed (an article from before this was kept counts its durationMs)'),
  wallDurationMs: count.describe("Its articles' wall times (first attempt to save), summed: overlapping articles count each"),
  models: z.array(z.string()).nullable().describe('The route it named (registry ids); null: its template\'s, else the account\'s default model'),
  ...costFields,
});

const cancelAnswer = z.object({ taskId: id, status: z.enum(['cancel_requested', 'canceled']) });
const retryAnswer = z.object({
  taskId: id,
  status: z.literal('pending'),
  retryCount: id,
  positions: z.array(count).describe('The positions the new run writes'),
  replacements: z.array(z.object({ position: count, previousDistillationId: id, distillationId: id, reason: z.string() })),
});
const progressAnswer = z.object({
  taskId: id,
  source: z.enum(['workflow', 'database']).describe("'workflow': the live query; 'database': the stored counts of a finished task"),
  status: z.string(),
  ...counts,
  inFlight: count,
});

export function taskRoutes({ db, temporal, log, defaultConcurrency, defaultTimeoutSeconds, limits }: RouteDeps) {
  const recordedThenStarted = taskStarter({ db, temporal, log });

  return new Hono<ApiEnv>()
    .post('/', async (c) => {
      const input = await parseJsonBody(c, taskRequestSchema);
      const accountId = c.get('accountId');
      const request = { ...input, concurrency: input.concurrency ?? defaultConcurrency, timeoutSeconds: input.timeoutSeconds ?? defaultTimeoutSeconds };
      const result = await recordedThenStarted(idempotencyScope(c, input), async (tx) => {
        const { task, priorityCapped } = await createTaskWithinQuota(tx, accountId, request, await accountLimits(tx, accountId, limits), limits);
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
      const outcome = await cancelTaskOfAccount(db, temporal.client, c.get('accountId'), taskId);
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
    parameters: [IDEMPOTENCY_KEY_PARAMETER],
    body: taskRequestSchema,
    status: 201,
    response: created,
    errors: { 400: ['INSUFFICIENT_DISTILLATIONS', 'INVALID_REFERENCE', 'INVALID_IDEMPOTENCY_KEY', 'TEMPLATE_AND_ARTICLE_SETTING', 'MODEL_UNKNOWN', 'MODEL_NOT_ALLOWED'], 409: ['IDEMPOTENCY_KEY_REUSED'], 429: ['QUOTA_EXCEEDED', 'BUDGET_EXCEEDED'], 503: ['WORKFLOW_START_FAILED'] },
  },
  { method: 'get', path: '/', summary: 'List tasks with their first keyword and counts', query: listQuery, response: taskList },
  { method: 'get', path: '/:id', summary: 'One task with its selected distillations, items and articles', response: taskDetail },
  {
    method: 'post',
    path: '/:id/cancel',
    summary: 'Cancel a running task (saved articles stay, open items are released)',
    status: 202,
    response: cancelAnswer,
    errors: { 409: ['TASK_ALREADY_FINISHED'] },
  },
  {
    method: 'post',
    path: '/:id/retry',
    summary: 'Retry a failed, partial, canceled or timed-out task: only the positions without an article',
    status: 202,
    response: retryAnswer,
    parameters: [IDEMPOTENCY_KEY_PARAMETER],
    errors: { 400: ['INSUFFICIENT_DISTILLATIONS', 'INVALID_IDEMPOTENCY_KEY'], 409: ['TASK_NOT_FINISHED', 'NOTHING_TO_RETRY', 'RETRY_LIMIT_REACHED', 'IDEMPOTENCY_KEY_REUSED'], 503: ['WORKFLOW_START_FAILED'] },
  },
  { method: 'get', path: '/:id/progress', summary: "The workflow's live progress (counts, in flight), or the stored counts once finished", response: progressAnswer },
  { method: 'get', path: '/:id/articles', summary: "The task's articles in order of position", query: taskArticlesQuery, response: articleList },
];
