// What the API's authenticated write path adds before a route runs and after it answers: the auth
// throttle's peek, the key lookup, the account-limits read, the rate-limit upsert and the audit insert,
// each timed in isolation as the middleware calls it (same domain functions, a pool like the API's), and
// the API's authenticated writes per second over HTTP. Used by `npm run bench:writes` and `npm run bench`.
import { DEFAULT_LIMITS } from '../src/config.js';
import type { Db } from '../src/db/client.js';
import { auditEvents } from '../src/db/schema.js';
import { authenticateApiKey, keyPrefix, recordAuditEvent } from '../src/domain/accounts/index.js';
import { accountLimits } from '../src/domain/limits/account-limits.js';
import { authThrottle } from '../src/domain/limits/auth-throttle.js';
import { hitRateLimits } from '../src/domain/limits/rate-limits.js';

export const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]! : NaN;
};

export interface StepCost {
  step: string;
  p50Ms: number;
  p99Ms: number;
}

export interface WriteOverhead {
  steps: StepCost[];
  /** Not on the path: the audit insert as it was, its commit waiting for the WAL flush, for comparison. */
  reference: StepCost;
  /** The steps of one request, timed together: what a write pays before and after its route. */
  total: StepCost;
}

/** The added p50 a write may pay for auth, limits and audit (issue 20). */
export const WRITE_OVERHEAD_P50_LIMIT_MS = 2;

/**
 * Times each step of the write path `rounds` times for `apiKey` (of `accountId`), in the order the API runs
 * them, and all of them together per request. The rate-limit buckets are the bench's own, so the API's are
 * untouched; the audit rows are marked with the route `bench:writes`.
 */
export async function measureWriteOverhead(db: Db, accountId: number, apiKey: string, rounds = 500): Promise<WriteOverhead> {
  const limits = { ...DEFAULT_LIMITS, writesPerWindowPerAccount: 1_000_000_000, writesPerWindowPerKey: 1_000_000_000 };
  const attempt = { address: '127.0.0.1', keyPrefix: keyPrefix(apiKey) };
  const audit = { accountId, keyPrefix: attempt.keyPrefix, method: 'POST', route: 'bench:writes', status: 200, requestId: 'bench', clientIp: attempt.address, targetIds: {} };
  const steps: [string, () => Promise<unknown>][] = [
    ['auth throttle (peek at failed attempts)', () => authThrottle(db, limits, attempt)],
    ['API key lookup', () => authenticateApiKey(db, apiKey)],
    ['account limits read', () => accountLimits(db, accountId, limits)],
    ['rate-limit upsert (key and account buckets)', () =>
      hitRateLimits(db, [{ bucket: 'bench-writes:key', limit: limits.writesPerWindowPerKey }, { bucket: 'bench-writes:account', limit: limits.writesPerWindowPerAccount }], limits.windowSeconds)],
    ['audit insert', () =>
      recordAuditEvent(db, audit)],
  ];
  const flushed: number[] = [];
  const samples = steps.map(() => [] as number[]);
  const totals: number[] = [];
  // A warm-up round: connections opened, statements prepared.
  for (let round = -20; round < rounds; round++) {
    let sum = 0;
    for (const [i, [, run]] of steps.entries()) {
      const t = performance.now();
      await run();
      const took = performance.now() - t;
      sum += took;
      if (round >= 0) samples[i]!.push(took);
    }
    if (round >= 0) totals.push(sum);
    const t = performance.now();
    await db.insert(auditEvents).values(audit);
    if (round >= 0) flushed.push(performance.now() - t);
  }
  const cost = (step: string, xs: number[]): StepCost => ({ step, p50Ms: percentile(xs, 50), p99Ms: percentile(xs, 99) });
  return {
    steps: steps.map(([step], i) => cost(step, samples[i]!)),
    total: cost('all five, per write', totals),
    reference: cost('for comparison, not on the path: the audit insert waiting for the WAL flush (as before)', flushed),
  };
}

/**
 * Authenticated writes per second the API at `apiUrl` answers, `clients` at a time for `seconds`:
 * `POST /api/notifications/read-all`, a write whose route does almost nothing, so the figure is the
 * write path's own (auth, limits, audit, HTTP). Every answer must be a 200.
 */
export async function measureWritesPerSecond(apiUrl: string, apiKey: string, { clients = 10, seconds = 5 } = {}) {
  const headers = { authorization: `Bearer ${apiKey}` };
  const latencies: number[] = [];
  const until = performance.now() + seconds * 1000;
  const client = async () => {
    while (performance.now() < until) {
      const t = performance.now();
      const res = await fetch(`${apiUrl}/api/notifications/read-all`, { method: 'POST', headers });
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`POST /api/notifications/read-all answered ${res.status}`);
      latencies.push(performance.now() - t);
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: clients }, client));
  const wall = (performance.now() - started) / 1000;
  return { writesPerSecond: latencies.length / wall, p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99), requests: latencies.length };
}
