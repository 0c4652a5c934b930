import type { Context, MiddlewareHandler } from 'hono';
import type { RequestIdVariables } from 'hono/request-id';
import type { Db } from '../db/client.js';
import { recordAuditEvent, recordRefusedAuth } from '../domain/accounts/index.js';
import type { Logger } from '../logger.js';
import { clientAddress } from './client-address.js';

/** What a surface knows of one answered request: who sent it, which route served it, what it touched. */
export interface AuditedRequest {
  accountId: number | null;
  keyPrefix: string | null;
  /** The route pattern (`/api/distillations/:id`), never the URL; null when no route matched. */
  route: string | null;
  /** Set for a refused authentication: recorded as a refused auth, one row per `auditBucket` (a throttled period). */
  refused?: { auditBucket?: string };
  /** Path and created ids (`{ id: 7 }`, `{ ids: [1, 2] }`); never a body, a query or a key. */
  targetIds?: Record<string, unknown>;
}

export interface AuditTrailOptions<E extends { Variables: RequestIdVariables }> {
  db: Db;
  log: Logger;
  /** Names the surface in the log line of a failed insert. */
  surface: 'API' | 'console';
  /** The request as this surface audits it, read after the handler answered; undefined: not audited (a read). */
  describe: (c: Context<E>) => AuditedRequest | undefined | Promise<AuditedRequest | undefined>;
}

/** Path ids as numbers where they are numbers: `{ id: 7 }`. */
export const pathIds = (params: Record<string, string>) =>
  Object.fromEntries(Object.entries(params).map(([k, v]) => [k, /^\d{1,15}$/.test(v) ? Number(v) : v]));

/**
 * The audit trail of the API and the console alike: after the handler answered, the request the surface
 * describes is recorded in audit_events (method, route pattern, target ids, status, request id, key prefix,
 * client address), a refused authentication as a refused auth. The row is written before the response
 * leaves, so a client that got its answer finds the row. A failed insert is logged, never turned into an
 * error of a request that already did its work.
 *
 * @example app.use('/api/*', auditTrail({ db, log, surface: 'API', describe: (c) => ... }))
 */
export function auditTrail<E extends { Variables: RequestIdVariables }>({ db, log, surface, describe }: AuditTrailOptions<E>): MiddlewareHandler<E> {
  return async (c, next) => {
    await next();
    const audited = await describe(c);
    if (!audited) return;
    const event = {
      accountId: audited.accountId,
      keyPrefix: audited.keyPrefix,
      method: c.req.method,
      route: audited.route,
      status: c.res.status,
      requestId: c.get('requestId'),
      clientIp: clientAddress(c),
    };
    try {
      if (audited.refused) await recordRefusedAuth(db, event, audited.refused.auditBucket);
      else await recordAuditEvent(db, { ...event, targetIds: audited.targetIds ?? {} });
    } catch (err) {
      log.error({ err, requestId: event.requestId, route: event.route }, `could not record an audit event of the ${surface}`);
    }
  };
}
