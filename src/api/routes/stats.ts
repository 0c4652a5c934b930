import { Hono } from 'hono';
import { z } from 'zod';
import { TASK_STATUSES } from '../../db/schema.js';
import { accountStats } from '../../domain/tasks/task-stats.js';
import type { ApiDeps } from '../../http/deps.js';
import type { ApiEnv } from '../types.js';
import type { ApiOperation } from '../operation.js';
import { count } from '../../http/schemas/common.js';

const durations = z.object({ mean: z.number().nullable(), p95: z.number().nullable() }).describe('Milliseconds; null when nothing finished');
const statsWindow = z.object({
  tasks: z.object({ byStatus: z.object(Object.fromEntries(TASK_STATUSES.map((s) => [s, count]))), total: count }),
  articles: z.object({ total: count, approved: count, pendingReview: count }),
  tokens: z.object({ prompt: count, completion: count, total: count }),
  articleDurationMs: durations,
  failureRate: z.number().min(0).max(1).nullable().describe('Failed + skipped over finished articles; null when none finished'),
  taskDurationMs: durations,
});
const statsAnswer = z.object({
  last24h: statsWindow,
  allTime: statsWindow,
  awaitingReview: count.describe('Live articles in pending_review now, whenever they were written: the review queue'),
});

/** `GET /api/stats`: the account's tasks, articles, tokens, failure rate and durations, last 24 h and all time. */
export function statsRoutes({ db }: ApiDeps) {
  return new Hono<ApiEnv>().get('/', async (c) => c.json(await accountStats(db, c.get('accountId'), new Date())));
}

export const statsOperations: ApiOperation[] = [
  { method: 'get', path: '/', summary: 'Tasks by status, articles, tokens, article durations and failure rate: last 24 h and all time', response: statsAnswer },
];
