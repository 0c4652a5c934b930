import type { MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import type { Db } from '../db/client.js';
import { auditTrail, pathIds, type AuditedRequest } from '../http/audit-trail.js';
import { decodePathSegment } from '../http/path-segment.js';
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

/** A console request as audited: every POST, named by the session's key or, at the sign-in form, the attempt's. */
function describeConsoleRequest(c: WebContext): AuditedRequest | undefined {
  if (c.req.method !== 'POST') return undefined;
  const route = postRoute(c);
  const session = c.get('session');
  const attempt = c.get('signInAttempt');
  const who = { accountId: session?.accountId ?? attempt?.accountId ?? null, keyPrefix: session?.keyPrefix ?? attempt?.keyPrefix ?? null, route };
  if (!session && !attempt?.ok) return { ...who, refused: { auditBucket: attempt?.auditBucket } };
  return { ...who, targetIds: { ...pathIds(route ? pathParams(route, c.req.path) : {}), ...c.get('auditTargets') } };
}

/**
 * Console writes are audited like API writes, by the same middleware: every POST records an audit_events
 * row, refused ones too (CSRF, read key, validation), never the form, the query or a key. Behind sign-in
 * the session names the key; at the sign-in form the attempt does, and a refused one is recorded as a
 * refused auth (one per key prefix and address per second, as the API's).
 */
export function consoleAuditTrail(db: Db, log: Logger): MiddlewareHandler<WebEnv> {
  return auditTrail<WebEnv>({ db, log, surface: 'console', describe: describeConsoleRequest });
}
