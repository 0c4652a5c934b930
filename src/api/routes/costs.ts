import { Hono } from 'hono';
import { costBreakdown } from '../../domain/costs/index.js';
import { AppError } from '../../domain/errors.js';
import type { ApiDeps } from '../../http/deps.js';
import { parseQuery } from '../../http/validation.js';
import { costAnswer, costQuery, costRange } from '../../http/schemas/costs.js';
import type { ApiOperation } from '../operation.js';
import type { ApiEnv } from '../types.js';

const MAX_RANGE_MS = 10 * 366 * 86_400_000;

/** `GET /api/costs`: the account's LLM spend in a range, by UTC day, model or task (exact decimal amounts per currency). */
export function costRoutes({ db }: ApiDeps) {
  return new Hono<ApiEnv>().get('/', async (c) => {
    const q = parseQuery(c, costQuery);
    const { from, to } = costRange(q, new Date());
    if (!(from < to)) throw new AppError(400, 'VALIDATION_ERROR', 'from must be before to', { field: 'from' });
    if (to.getTime() - from.getTime() > MAX_RANGE_MS) throw new AppError(400, 'VALIDATION_ERROR', 'a cost report covers at most 10 years', { field: 'to' });
    return c.json(await costBreakdown(db, c.get('accountId'), { from, to, by: q.by }));
  });
}

export const costOperations: ApiOperation[] = [
  {
    method: 'get',
    path: '/',
    summary: 'LLM spend in a range (default: this month) by UTC day, model or task, per currency, from every request sent (saved, refused and failed alike)',
    query: costQuery,
    response: costAnswer,
  },
];
