import type { MiddlewareHandler } from 'hono';
import type { LimitDefaults } from '../../config.js';
import type { Db } from '../../db/client.js';
import { accountLimits } from '../../domain/limits/account-limits.js';
import { AppError } from '../../domain/errors.js';
import { hitRateLimits, undoRateLimitHit, type BucketState } from '../../domain/limits/rate-limits.js';
import type { AuthVariables } from './api-key-auth.js';

export interface RateLimitOptions {
  db: Db;
  defaults: LimitDefaults;
}

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The bucket the client runs out of first: a refused one (the longest wait), else the fewest remaining. */
function tightest(states: BucketState[]) {
  const refused = states.filter((s) => !s.allowed).sort((a, b) => b.resetSeconds - a.resetSeconds);
  return refused[0] ?? [...states].sort((a, b) => a.remaining - b.remaining)[0]!;
}

/**
 * Rate limits writes per API key and per account, counted in PostgreSQL so that every API process
 * shares them. Every write answer carries `RateLimit-Limit`, `RateLimit-Remaining` and
 * `RateLimit-Reset` (seconds) of the tightest bucket; over the limit it is a 429 `RATE_LIMITED` with
 * `Retry-After`. Reads are not limited. Runs after the API key auth.
 *
 * @example app.use('/api/*', rateLimit({ db, defaults: limitDefaults(config) }))
 */
export function rateLimit({ db, defaults }: RateLimitOptions): MiddlewareHandler<{ Variables: AuthVariables }> {
  return async (c, next) => {
    if (READS.has(c.req.method)) return next();
    const accountId = c.get('accountId');
    const limits = await accountLimits(db, accountId, defaults);
    const states = await hitRateLimits(
      db,
      [
        { bucket: `key:${c.get('apiKey').id}`, limit: limits.writesPerWindowPerKey },
        { bucket: `account:${accountId}`, limit: limits.writesPerWindowPerAccount },
      ],
      defaults.windowSeconds,
    );
    const state = tightest(states);
    c.header('RateLimit-Limit', String(state.limit));
    c.header('RateLimit-Remaining', String(state.remaining));
    c.header('RateLimit-Reset', String(state.resetSeconds));
    if (!state.allowed) {
      // A refused request uses nothing up: one key over its limit does not eat its account's other keys' share.
      await undoRateLimitHit(db, states);
      c.header('Retry-After', String(state.resetSeconds));
      const scope = state.bucket.startsWith('key:') ? 'this API key' : 'this account';
      throw new AppError(
        429,
        'RATE_LIMITED',
        `Too many write requests: ${scope} may make ${state.limit} per ${defaults.windowSeconds} s. Retry after ${state.resetSeconds} s.`,
        { limit: state.limit, windowSeconds: defaults.windowSeconds, retryAfterSeconds: state.resetSeconds, scope: state.bucket.split(':')[0] },
      );
    }
    await next();
  };
}
