import type { MiddlewareHandler } from 'hono';
import { enforceWriteRateLimit, type RateLimitOptions } from '../http/rate-limit.js';
import { AppError } from '../domain/errors.js';
import { canWrite, type WebContext, type WebEnv } from './context.js';

/** A 403 for a `read` key: on every POST, and on pages that exist only to change something (a form, a confirmation). */
export function assertCanWrite(c: WebContext) {
  if (!canWrite(c)) throw new AppError(403, 'FORBIDDEN_SCOPE', c.get('t')('forbiddenText', { scope: c.get('session').scope }));
}

/** Every POST behind sign-in changes something: a `read` key is refused even if it crafts the form. */
export function requireWriteForPost(): MiddlewareHandler<WebEnv> {
  return async (c, next) => {
    if (c.req.method === 'POST') assertCanWrite(c);
    await next();
  };
}

/** Every POST behind sign-in is a write of the session's key: it counts in the same buckets as the key's API writes. */
export function rateLimitConsoleWrites(options: RateLimitOptions): MiddlewareHandler<WebEnv> {
  return async (c, next) => {
    if (c.req.method === 'POST') {
      const session = c.get('session');
      await enforceWriteRateLimit(c, options, session.accountId, session.keyId);
    }
    await next();
  };
}
