import type { Context } from 'hono';
import { AppError } from '../domain/errors.js';
import type { AuthThrottled } from '../domain/limits/auth-throttle.js';
import { rateLimitRefusals } from '../infra/metrics/registry.js';

/** The 429 of a throttled authentication (bearer key or console sign-in), with Retry-After. */
export function authThrottledError(c: Context, t: AuthThrottled) {
  c.header('Retry-After', String(t.retryAfterSeconds));
  rateLimitRefusals.inc({ code: 'AUTH_THROTTLED' });
  const who = t.scope === 'address' ? 'this client address' : 'keys with this prefix';
  return new AppError(
    429,
    'AUTH_THROTTLED',
    `Too many failed authentications from ${who}: at most ${t.limit} per ${t.windowSeconds} s. Retry after ${t.retryAfterSeconds} s.`,
    { scope: t.scope, limit: t.limit, windowSeconds: t.windowSeconds, retryAfterSeconds: t.retryAfterSeconds },
  );
}
