import { sql } from 'drizzle-orm';
import { Hono } from 'hono';
import { z } from 'zod';
import { safeError, type SafeError } from '../../db/safe-error.js';
import type { ApiDeps } from '../../http/deps.js';
import type { ApiOperation } from '../operation.js';
import { count } from '../../http/schemas/common.js';

const probeAnswer = z.xor([z.object({ status: z.literal('ok'), latencyMs: count }), z.object({ status: z.literal('down'), error: z.string() })]);
const healthAnswer = z.object({ status: z.enum(['ok', 'degraded']), database: probeAnswer, temporal: probeAnswer });

const withTimeout = <T>(p: Promise<T>, ms: number) =>
  Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms).unref())]);

/** The innermost cause (e.g. `connect ECONNREFUSED host:port`): an open route shows no SQL. */
function rootCause(err: unknown): string {
  let e = safeError(err) as SafeError;
  while (e.cause) e = e.cause;
  return e.message;
}

async function probe(check: () => Promise<unknown>) {
  const started = Date.now();
  try {
    await withTimeout(check(), 3000);
    return { status: 'ok' as const, latencyMs: Date.now() - started };
  } catch (err) {
    return { status: 'down' as const, error: rootCause(err) };
  }
}

/** Liveness of both dependencies; 503 when either is down, so load balancers and `artgen monitor health` can tell. */
export function healthRoutes({ db, temporal }: ApiDeps) {
  return new Hono().get('/', async (c) => {
    const [database, temporalServer] = await Promise.all([
      probe(() => db.execute(sql`SELECT 1`)),
      probe(() => temporal.client.connection.workflowService.getSystemInfo({})),
    ]);
    const ok = database.status === 'ok' && temporalServer.status === 'ok';
    return c.json({ status: ok ? 'ok' : 'degraded', database, temporal: temporalServer }, ok ? 200 : 503);
  });
}

export const healthOperations: ApiOperation[] = [
  {
    method: 'get',
    path: '/',
    summary: 'PostgreSQL and Temporal reachability (no API key needed)',
    response: healthAnswer,
    otherResponses: { 503: { description: 'PostgreSQL or Temporal is down (status degraded)', body: healthAnswer } },
  },
];
