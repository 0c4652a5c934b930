import { sql, type SQL } from 'drizzle-orm';
import { commitWithoutFlushWait } from '../../db/commit-without-flush-wait.js';
import type { Db, DbOrTx } from '../../db/client.js';

export interface RateBucket {
  /** `account:<id>`, `key:<id>`, `auth-address:<ip>`, `auth-prefix:<prefix>`. */
  bucket: string;
  /** Requests per period; also the burst: a fresh bucket takes this many at once. */
  limit: number;
}

export interface BucketState extends RateBucket {
  allowed: boolean;
  /** Requests the bucket would take right now. */
  remaining: number;
  /** Seconds until the bucket is full again (allowed), or until the next request is let through (refused). */
  resetSeconds: number;
}

/** Milliseconds between two requests at the sustained rate: the bucket's emission interval. */
const emissionMs = (b: RateBucket, periodSeconds: number) => (periodSeconds * 1000) / b.limit;

/** One conditional GCRA step: takes one request unless that moves tat past now + period; no row when refused. */
function step(b: RateBucket, periodSeconds: number, onlyIf: SQL) {
  const t = emissionMs(b, periodSeconds);
  return sql`
    INSERT INTO rate_limit_buckets AS r (bucket, tat)
    SELECT ${b.bucket}, now() + make_interval(secs => ${t / 1000}) WHERE ${onlyIf}
    ON CONFLICT (bucket) DO UPDATE SET tat = greatest(r.tat, now()) + (excluded.tat - now())
    WHERE greatest(r.tat, now()) + (excluded.tat - now()) <= now() + make_interval(secs => ${periodSeconds})
    RETURNING bucket, (extract(epoch FROM tat - now()) * 1000)::float8 AS ahead_ms`;
}

function stateOf(b: RateBucket, periodSeconds: number, allowed: boolean, aheadMs: number): BucketState {
  const t = emissionMs(b, periodSeconds);
  const periodMs = periodSeconds * 1000;
  // 1 ms of slack: tat is stored in microseconds, the emission interval may not be.
  const remaining = Math.max(0, Math.min(b.limit, Math.floor((periodMs - aheadMs + 1) / t)));
  const waitMs = allowed ? aheadMs : aheadMs + t - periodMs;
  return { ...b, allowed, remaining: allowed ? remaining : 0, resetSeconds: Math.max(1, Math.ceil(waitMs / 1000)) };
}

/**
 * Takes one request from every bucket, all or none, with GCRA (a token bucket kept as one timestamp per
 * bucket): a bucket takes `limit` requests at once and then `limit` per `periodSeconds`, evenly, so no
 * window boundary lets a second burst through. One statement for all buckets in order, each step only
 * when the ones before it took the request; the database's clock and row locks make every API process
 * agree. When a later bucket refuses, the earlier ones get their request back (refusals use nothing up).
 * Returns the state of every bucket up to and including the first that refused.
 */
export async function hitRateLimits(db: Db, buckets: RateBucket[], periodSeconds: number): Promise<BucketState[]> {
  // Buckets are counters, not records: their commit does not wait for the disk (see commitWithoutFlushWait).
  const steps = buckets.map((b, i) => sql`${sql.raw(`s${i}`)} AS (${step(b, periodSeconds, i === 0 ? commitWithoutFlushWait : sql`EXISTS (SELECT 1 FROM ${sql.raw(`s${i - 1}`)})`)})`);
  const union = sql.join(buckets.map((_, i) => sql`SELECT * FROM ${sql.raw(`s${i}`)}`), sql` UNION ALL `);
  const rows = await db.execute<{ bucket: string; ahead_ms: number }>(sql`WITH ${sql.join(steps, sql`, `)} ${union}`);
  const taken = new Map(rows.map((r) => [r.bucket, Number(r.ahead_ms)]));
  const states: BucketState[] = [];
  for (const b of buckets) {
    const ahead = taken.get(b.bucket);
    if (ahead !== undefined) {
      states.push(stateOf(b, periodSeconds, true, ahead));
      continue;
    }
    const [row] = await db.execute<{ ahead_ms: number }>(sql`
      SELECT (extract(epoch FROM tat - now()) * 1000)::float8 AS ahead_ms FROM rate_limit_buckets WHERE bucket = ${b.bucket}`);
    states.push(stateOf(b, periodSeconds, false, Number(row?.ahead_ms ?? 0)));
    await giveBack(db, buckets.slice(0, states.length - 1), periodSeconds);
    break;
  }
  return states;
}

/** Returns one request to each bucket (a refused request's earlier steps). */
async function giveBack(db: DbOrTx, buckets: RateBucket[], periodSeconds: number) {
  for (const b of buckets) {
    await db.execute(sql`
      UPDATE rate_limit_buckets SET tat = tat - make_interval(secs => ${emissionMs(b, periodSeconds) / 1000}) WHERE bucket = ${b.bucket}`);
  }
}

/**
 * The first bucket that would refuse a request now, without taking one: for throttles that must answer
 * before the costly part (checking a key) and count only what failed afterwards.
 */
export async function peekRateLimits(db: DbOrTx, buckets: RateBucket[], periodSeconds: number): Promise<BucketState | null> {
  if (buckets.length === 0) return null;
  const rows = await db.execute<{ bucket: string; ahead_ms: number }>(sql`
    SELECT bucket, (extract(epoch FROM tat - now()) * 1000)::float8 AS ahead_ms FROM rate_limit_buckets
    WHERE bucket IN (${sql.join(buckets.map((b) => sql`${b.bucket}`), sql`, `)})`);
  const ahead = new Map(rows.map((r) => [r.bucket, Number(r.ahead_ms)]));
  for (const b of buckets) {
    const a = Math.max(0, ahead.get(b.bucket) ?? 0);
    if (a + emissionMs(b, periodSeconds) > periodSeconds * 1000) return stateOf(b, periodSeconds, false, a);
  }
  return null;
}

/** Deletes buckets whose tat has passed (they are as good as absent); returns how many. */
export async function pruneRateLimitBuckets(db: DbOrTx, batch = 1000): Promise<number> {
  const rows = await db.execute(sql`
    DELETE FROM rate_limit_buckets WHERE bucket IN (SELECT bucket FROM rate_limit_buckets WHERE tat < now() LIMIT ${batch}) AND tat < now() RETURNING bucket`);
  return rows.length;
}
