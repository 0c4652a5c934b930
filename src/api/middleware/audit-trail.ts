import type { Context, MiddlewareHandler } from 'hono';
import type { Db } from '../../db/client.js';
import { auditTrail, pathIds, type AuditedRequest } from '../../http/audit-trail.js';
import type { Logger } from '../../logger.js';
import type { RouteTable } from '../route-table.js';
import type { ApiEnv } from '../types.js';

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

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

/** An API request as audited: every write of a key (route from the route table) and every refused key. */
async function describeApiRequest(c: Context<ApiEnv>, routes: RouteTable): Promise<AuditedRequest | undefined> {
  const refused = c.get('authRefused');
  const key = c.get('apiKey');
  if (!refused && (!key || READ_METHODS.has(c.req.method))) return undefined;
  const matched = routes.match(c.req.method, c.req.path);
  const route = matched?.route.pattern ?? null;
  if (refused) return { accountId: refused.accountId, keyPrefix: refused.keyPrefix, route, refused: { auditBucket: refused.auditBucket } };
  return { accountId: c.get('accountId'), keyPrefix: key!.prefix, route, targetIds: { ...pathIds(matched?.params ?? {}), ...(await createdIds(c.res)) } };
}

/** The API's audit trail: every answered write request and every refused auth attempt (see `auditTrail`). */
export function apiAuditTrail(db: Db, routes: RouteTable, log: Logger): MiddlewareHandler<ApiEnv> {
  return auditTrail<ApiEnv>({ db, log, surface: 'API', describe: (c) => describeApiRequest(c, routes) });
}
