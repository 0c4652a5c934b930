import { Hono } from 'hono';
import { z } from 'zod';
import { TASK_STATUSES } from '../../db/schema.js';
import { accountStats } from '../../domain/tasks/task-stats.js';
import { accountCostStats } from '../../domain/costs/index.js';
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
const amountLine = z.object({ currency: z.string(), amount: z.string().describe('Exact decimal amount of the currency'), requests: count });
const statsAnswer = z.object({
  last24h: statsWindow,
  allTime: statsWindow,
  awaitingReview: count.describe('Live articles in pending_review now, whenever they were written: the review queue'),
  cost: z
    .object({
      today: z.array(amountLine),
      thisMonth: z.array(amountLine),
      thisMonthByModel: z.array(amountLine.extend({ model: z.string().describe('The model registry id') })),
    })
    .describe('What the LLM requests cost (llm_attempts: saved, refused and failed alike), UTC day and month, per currency; amounts are exact decimal strings'),
});

/** `GET /api/stats`: the account's tasks, articles, tokens, failure rate and durations, last 24 h and all time; cost today, this month and per model. */
export function statsRoutes({ db }: ApiDeps) {
  return new Hono<ApiEnv>().get('/', async (c) => {
    const accountId = c.get('accountId');
    return c.json({ ...(await accountStats(db, accountId, new Date())), cost: await accountCostStats(db, accountId) });
  });
}

export const statsOperations: ApiOperation[] = [
  { method: 'get', path: '/', summary: 'Tasks by status, articles, tokens, article durations and failure rate (last 24 h and all time), and cost (today, this month, per model)', response: statsAnswer },
];
