import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context, MiddlewareHandler } from 'hono';
import type { Db } from '../../db/client.js';
import { recordAuditEvent, recordRefusedAuth } from '../../domain/accounts/audit-events.js';
import type { Logger } from '../../logger.js';
import type { RouteTable } from '../route-table.js';
import type { ApiEnv } from '../types.js';

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The peer's address (the console's audit trail records it the same way). */
export function clientAddress(c: Context): string | null {
  try {
    return getConnInfo(c).remote.address ?? null;
  } catch {
    // app.request() in-process has no socket.
    return null;
  }
}

/** Path ids as numbers where they are numbers: `{ id: 7 }`. */
export const pathIds = (params: Record<string, string>) =>
  Object.fromEntries(Object.entries(params).map(([k, v]) => [k, /^\d{1,15}$/.test(v) ? Number(v) : v]));

/** The ids a create answered with (`id`, `ids`, `taskId`, `keyId`...): never anything else of the body. */
async function createdIds(res: Response): Promise<Record<string, unknown>> {
  if (res.status !== 201 || !res.headers.get('content-type')?.includes('application/json')) return {};
  const body = (await res.clone().json().catch(() => null)) as Record<string, unknown> | null;
  if (!body || typeof body !== 'object') return {};
  const ids: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) {
    if ((key === 'id' || key.endsWith('Id')) && Number.isInteger(value)) ids[key] = value;
    if (key === 'ids' && Array.isArray(value) && value.every(Number.isInteger)) ids[key] = value;
  }
  return ids;
}

/**
 * Records every answered write request (method, route pattern, target ids, status) and every refused
 * auth attempt in audit_events, after the handler answered. The row is written before the response
 * leaves, so a client that got its answer finds the row. A failed insert is logged, never turned into
 * an error of a request that already did its work.
 */
export function auditTrail(db: Db, routes: RouteTable, log: Logger): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    await next();
    const refused = c.get('authRefused');
    const key = c.get('apiKey');
    if (!refused && (!key || READ_METHODS.has(c.req.method))) return;
    const matched = routes.match(c.req.method, c.req.path);
    const event = {
      accountId: refused ? refused.accountId : c.get('accountId'),
      keyPrefix: refused ? refused.keyPrefix : key!.prefix,
      method: c.req.method,
      route: matched?.route.pattern ?? null,
      status: c.res.status,
      requestId: c.get('requestId'),
      clientIp: clientAddress(c),
    };
    try {
      if (refused) await recordRefusedAuth(db, event, refused.auditBucket);
      else await recordAuditEvent(db, { ...event, targetIds: { ...pathIds(matched?.params ?? {}), ...(await createdIds(c.res)) } });
    } catch (err) {
      log.error({ err, requestId: event.requestId, route: event.route }, 'could not record an audit event');
    }
  };
}
