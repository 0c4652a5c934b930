import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';

export interface RateBucket {
  /** `account:<id>` or `key:<hash prefix>`. */
  bucket: string;
  limit: number;
}

export interface BucketState extends RateBucket {
  count: number;
  remaining: number;
  /** Seconds until the window ends and the count starts again at zero. */
  resetSeconds: number;
  allowed: boolean;
  windowStart: Date;
}

/**
 * Counts one request in every bucket's current fixed window (a refused request is taken back with
 * undoRateLimitHit) and returns each bucket's state. One
 * statement for all buckets: the window start comes from the database clock, so every API process
 * agrees on it. The first request of a new window deletes the bucket's older windows.
 */
export async function hitRateLimits(db: DbOrTx, buckets: RateBucket[], windowSeconds: number): Promise<BucketState[]> {
  const names = buckets.map((b) => b.bucket);
  const rows = await db.execute<{ bucket: string; count: number; reset_seconds: number; window_start: string }>(sql`
    WITH w AS (
      SELECT to_timestamp(floor(extract(epoch FROM now()) / ${windowSeconds}) * ${windowSeconds}) AS start
    ), hit AS (
      INSERT INTO rate_limit_windows (bucket, window_start, count)
      SELECT b, w.start, 1 FROM unnest(ARRAY[${sql.join(names.map((n) => sql`${n}`), sql`, `)}]::text[]) AS b, w
      ON CONFLICT (bucket, window_start) DO UPDATE SET count = rate_limit_windows.count + 1
      RETURNING bucket, window_start, count
    ), pruned AS (
      DELETE FROM rate_limit_windows r USING hit
      WHERE hit.count = 1 AND r.bucket = hit.bucket AND r.window_start < hit.window_start
    )
    SELECT bucket, count, window_start, ceil(extract(epoch FROM (window_start + make_interval(secs => ${windowSeconds}) - now())))::int AS reset_seconds
    FROM hit`);
  const byName = new Map(rows.map((r) => [r.bucket, r]));
  return buckets.map((b) => {
    const row = byName.get(b.bucket)!;
    return {
      ...b,
      count: row.count,
      remaining: Math.max(0, b.limit - row.count),
      resetSeconds: Math.max(1, row.reset_seconds),
      allowed: row.count <= b.limit,
      windowStart: new Date(row.window_start),
    };
  });
}

/** Takes a refused request's count back from every bucket, so that counts are of accepted requests only. */
export async function undoRateLimitHit(db: DbOrTx, states: BucketState[]) {
  for (const s of states) {
    await db.execute(sql`
      UPDATE rate_limit_windows SET count = count - 1
      WHERE bucket = ${s.bucket} AND window_start = ${s.windowStart.toISOString()}::timestamptz AND count > 0`);
  }
}
