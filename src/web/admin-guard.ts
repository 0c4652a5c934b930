import type { MiddlewareHandler } from 'hono';
import { AppError } from '../domain/errors.js';
import type { WebContext, WebEnv } from './context.js';

/** Whether the signed-in key is an admin key: the only ones that see accounts (and the link to them). */
export const isAdmin = (c: WebContext) => c.get('session').scope === 'admin';

/** The /admin pages, reading ones too, need an admin key, as the API's /api/admin routes do. */
export function requireAdminScope(): MiddlewareHandler<WebEnv> {
  return async (c, next) => {
    if (!isAdmin(c)) throw new AppError(403, 'FORBIDDEN_SCOPE', c.get('t')('adminOnly', { scope: c.get('session').scope }));
    await next();
  };
}
