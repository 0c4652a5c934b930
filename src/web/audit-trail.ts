import type { MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import { clientAddress, pathIds } from '../api/middleware/audit-trail.js';
import { decodePathSegment } from '../api/route-table.js';
import type { Db } from '../db/client.js';
import { recordAuditEvent, recordRefusedAuth } from '../domain/accounts/audit-events.js';
import type { Logger } from '../logger.js';
import type { WebContext, WebEnv } from './context.js';

/** The path's named segments under the route pattern that served it: `/keys/:id/revoke` -> `{ id }`. */
function pathParams(pattern: string, path: string): Record<string, string> {
  const names = pattern.split('/');
  const values = path.split('/');
  const params: Record<string, string> = {};
  names.forEach((name, i) => {
    if (name.startsWith(':') && values[i] !== undefined) params[name.slice(1)] = decodePathSegment(values[i]!);
  });
  return params;
}

/** The pattern of the POST handler the path matched (`/distillations/:id/topics`), never the URL; null when none. */
const postRoute = (c: WebContext) => matchedRoutes(c).find((r) => r.method === 'POST')?.path ?? null;

/**
 * Console writes are audited like API writes: after the answer, every POST records an audit_events row
 * (method, route pattern, path and created ids, status, request id, key prefix, client address; never
 * the form, the query or a key), refused ones too (CSRF, read key, validation). Behind sign-in the
 * session names the key; at the sign-in form the attempt does, and a refused one is recorded as a
 * refused auth (one per key prefix and address per second, as the API's). A failed insert is logged,
 * never turned into an error of a request that already did its work.
 */
export function consoleAuditTrail(db: Db, log: Logger): MiddlewareHandler<WebEnv> {
  return async (c, next) => {
    await next();
    if (c.req.method !== 'POST') return;
    const route = postRoute(c);
    const session = c.get('session');
    const attempt = c.get('signInAttempt');
    const event = {
      accountId: session?.accountId ?? attempt?.accountId ?? null,
      keyPrefix: session?.keyPrefix ?? attempt?.keyPrefix ?? null,
      method: c.req.method,
      route,
      status: c.res.status,
      requestId: c.get('requestId'),
      clientIp: clientAddress(c),
    };
    try {
      if (!session && !attempt?.ok) await recordRefusedAuth(db, event, attempt?.auditBucket);
      else await recordAuditEvent(db, { ...event, targetIds: { ...pathIds(route ? pathParams(route, c.req.path) : {}), ...c.get('auditTargets') } });
    } catch (err) {
      log.error({ err, requestId: event.requestId, route }, 'could not record an audit event of the console');
    }
  };
}
