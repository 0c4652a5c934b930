import type { MiddlewareHandler } from 'hono';
import { AppError } from '../domain/errors.js';
import type { WebContext, WebEnv } from './context.js';

/** Whether the signed-in key is an operator key: the only ones that see accounts (and the link to them). */
export const isOperator = (c: WebContext) => c.get('session').scope === 'operator';

/**
 * The /admin pages, reading ones too, act on every account: they need an operator key, as the API's
 * /api/admin routes do. An account's admin key manages its own keys on /keys.
 */
export function requireOperatorScope(): MiddlewareHandler<WebEnv> {
  return async (c, next) => {
    if (!isOperator(c)) throw new AppError(403, 'FORBIDDEN_SCOPE', c.get('t')('adminOnly', { scope: c.get('session').scope }));
    await next();
  };
}
