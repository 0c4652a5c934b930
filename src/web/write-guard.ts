import type { MiddlewareHandler } from 'hono';
import { AppError } from '../domain/errors.js';
import { canWrite, type WebEnv } from './context.js';

/** Every POST behind sign-in changes something: a `read` key is refused even if it crafts the form. */
export function requireWriteForPost(): MiddlewareHandler<WebEnv> {
  return async (c, next) => {
    if (c.req.method === 'POST' && !canWrite(c)) {
      throw new AppError(403, 'FORBIDDEN_SCOPE', c.get('t')('forbiddenText', { scope: c.get('session').scope }));
    }
    await next();
  };
}
