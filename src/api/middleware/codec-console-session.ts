import type { MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import type { Db } from '../../db/client.js';
import { resolveWebSession, scopeAllows } from '../../domain/accounts/index.js';
import { AppError } from '../../domain/errors.js';
import { SESSION_COOKIE } from '../../http/session-cookie.js';
import { requiredScope, type RouteTable } from '../route-table.js';
import type { ApiEnv } from '../types.js';

/**
 * Lets the Temporal UI's browser call `/api/temporal-codec` as the person signed in to the console: the
 * UI's fetch sends the console's session cookie (UI and API are the same site, other ports), so histories
 * decode for that person without an API key in the browser. Only from an origin the codec's CORS allows
 * (the UI's) and only when no Authorization header is sent; the session's key must reach the scope the
 * codec's operations declare (the route table's, through scopeAllows), else 403 FORBIDDEN_SCOPE. What it
 * lets in is audited like a key's request (the audit trail runs before it); no session leaves the answer
 * to apiKeyAuth (401).
 */
export function codecConsoleSession(db: Db, routes: RouteTable, origins: readonly string[]): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const origin = c.req.header('origin');
    const id = getCookie(c, SESSION_COOKIE);
    if (c.req.header('authorization') !== undefined || !id || !origin || !origins.includes(origin)) return next();
    const session = await resolveWebSession(db, id);
    if (!session) return next();
    const route = routes.match(c.req.method, c.req.path)?.route;
    const need = route?.scope ?? requiredScope(c.req.method);
    if (!scopeAllows(session.scope, need)) {
      c.set('authRefused', { accountId: session.accountId, keyPrefix: session.keyPrefix });
      throw new AppError(403, 'FORBIDDEN_SCOPE', `${c.req.method} ${route?.pattern ?? c.req.path} needs a console session of scope '${need}'; this session's scope is '${session.scope}'.`, {
        required: need,
        scope: session.scope,
      });
    }
    c.set('accountId', session.accountId);
    c.set('apiKey', { id: session.keyId, prefix: session.keyPrefix, scope: session.scope });
    await next();
  };
}
