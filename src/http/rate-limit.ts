import type { Context, MiddlewareHandler } from 'hono';
import type { LimitDefaults } from '../config.js';
import type { Db } from '../db/client.js';
import { accountLimits } from '../domain/limits/account-limits.js';
import { AppError } from '../domain/errors.js';
import { rateLimitRefusals } from '../infra/metrics/registry.js';
import { hitRateLimits, pruneRateLimitBuckets, type BucketState } from '../domain/limits/rate-limits.js';

/** What the limiter reads of an authenticated request: the account and the key it wrote with. */
type KeyedVariables = { accountId: number; apiKey: { id: number } };

export interface RateLimitOptions {
  db: Db;
  defaults: LimitDefaults;
}

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** Every this many limited requests a process deletes buckets that have refilled (they are as good as absent). */
const PRUNE_EVERY = 500;
let sincePrune = 0;

/** The bucket the client runs out of first: a refused one, else the fewest remaining. */
function tightest(states: BucketState[]) {
  return states.find((s) => !s.allowed) ?? [...states].sort((a, b) => a.remaining - b.remaining)[0]!;
}

/** Sets `RateLimit-*` (and `Retry-After` on a refusal) from the tightest bucket; returns it. */
export function setRateLimitHeaders(c: Context, states: BucketState[]) {
  const state = tightest(states);
  c.header('RateLimit-Limit', String(state.limit));
  c.header('RateLimit-Remaining', String(state.remaining));
  c.header('RateLimit-Reset', String(state.resetSeconds));
  if (!state.allowed) c.header('Retry-After', String(state.resetSeconds));
  return state;
}

/** Deletes refilled buckets now and then, in the background: a failed prune is retried next time. */
export function maybePruneRateLimitBuckets(db: Db) {
  if (++sincePrune < PRUNE_EVERY) return;
  sincePrune = 0;
  pruneRateLimitBuckets(db).catch(() => undefined);
}

/**
 * Counts one write of `keyId` in the key's and the account's buckets (GCRA in PostgreSQL, shared by
 * every API process and by the console, whose sessions write with their key) and sets the headers;
 * over the limit it throws a 429 `RATE_LIMITED`.
 */
export async function enforceWriteRateLimit(c: Context, { db, defaults }: RateLimitOptions, accountId: number, keyId: number) {
  const limits = await accountLimits(db, accountId, defaults);
  const states = await hitRateLimits(
    db,
    [
      { bucket: `key:${keyId}`, limit: limits.writesPerWindowPerKey },
      { bucket: `account:${accountId}`, limit: limits.writesPerWindowPerAccount },
    ],
    defaults.windowSeconds,
  );
  maybePruneRateLimitBuckets(db);
  const state = setRateLimitHeaders(c, states);
  if (state.allowed) return;
  const scope = state.bucket.startsWith('key:') ? 'key' : 'account';
  rateLimitRefusals.inc({ code: 'RATE_LIMITED' });
  throw new AppError(
    429,
    'RATE_LIMITED',
    `Too many write requests: ${scope === 'key' ? 'this API key' : 'this account'} may make ${state.limit} per ${defaults.windowSeconds} s. Retry after ${state.resetSeconds} s.`,
    { limit: state.limit, windowSeconds: defaults.windowSeconds, retryAfterSeconds: state.resetSeconds, scope },
  );
}

/**
 * Rate limits writes per API key and per account, counted in PostgreSQL so that every API process
 * (and the console) shares them. Every write answer carries `RateLimit-Limit`, `RateLimit-Remaining`
 * and `RateLimit-Reset` (seconds) of the tightest bucket; over the limit it is a 429 `RATE_LIMITED` with
 * `Retry-After`. Reads are not limited. Runs after the API key auth.
 *
 * @example app.use('/api/*', rateLimit({ db, defaults: limitDefaults(config) }))
 */
export function rateLimit(options: RateLimitOptions): MiddlewareHandler<{ Variables: KeyedVariables }> {
  return async (c, next) => {
    if (READS.has(c.req.method)) return next();
    await enforceWriteRateLimit(c, options, c.get('accountId'), c.get('apiKey').id);
    await next();
  };
}
