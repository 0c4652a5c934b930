import { Hono } from 'hono';
import { accountStats } from '../../domain/stats.js';
import type { ApiDeps, ApiEnv } from '../types.js';
import type { ApiOperation } from '../openapi.js';

/** `GET /api/stats`: the account's tasks, articles, tokens, failure rate and durations, last 24 h and all time. */
export function statsRoutes({ db }: ApiDeps) {
  return new Hono<ApiEnv>().get('/', async (c) => c.json(await accountStats(db, c.get('accountId'), new Date())));
}

export const statsOperations: ApiOperation[] = [
  { method: 'get', path: '/', summary: 'Tasks by status, articles, tokens, article durations and failure rate: last 24 h and all time' },
];
