import { Hono } from 'hono';
import { z } from 'zod';
import { listAuditEvents } from '../../domain/accounts/index.js';
import { requireOwnAccountOrOperator } from '../account-reach.js';
import type { ApiOperation } from '../operation.js';
import type { ApiDeps } from '../../http/deps.js';
import type { ApiEnv } from '../types.js';
import { count, id, jsonObject, paged, timestamp } from '../../http/schemas/common.js';
import { MAX_ID } from '../../http/schemas/input-rules.js';
import { pagination, parseQuery } from '../../http/validation.js';

const auditQuery = pagination.extend({
  from: z.iso.datetime({ offset: true, message: 'from must be an ISO 8601 date-time, e.g. 2025-01-31T00:00:00Z' }).optional(),
  to: z.iso.datetime({ offset: true, message: 'to must be an ISO 8601 date-time, e.g. 2025-01-31T00:00:00Z' }).optional(),
  action: z
    .string()
    .trim()
    .regex(/^[A-Za-z]+( \/\S*)?$/, "action must be a method ('POST') or a method and route pattern ('POST /api/distillations/:id')")
    .optional(),
  accountId: z
    .union([z.literal('all'), z.coerce.number().int().min(1).max(MAX_ID)], { message: "accountId must be an account id or 'all'" })
    .optional(),
});

/** The audit trail of the caller's account; operator keys may read any account's (`accountId=`) or all of it. */
export function auditRoutes({ db }: ApiDeps) {
  return new Hono<ApiEnv>().get('/', async (c) => {
    const q = parseQuery(c, auditQuery);
    const own = c.get('accountId');
    requireOwnAccountOrOperator(c, q.accountId ?? own, "another account's audit events");
    return c.json(
      await listAuditEvents(db, {
        accountId: q.accountId ?? own,
        ...(q.from ? { from: new Date(q.from) } : {}),
        ...(q.to ? { to: new Date(q.to) } : {}),
        ...(q.action ? { action: q.action } : {}),
        page: q.page,
        pageSize: q.pageSize,
      }),
    );
  });
}

const auditPage = paged(
  'events',
  z.object({
    id,
    createdAt: timestamp,
    accountId: id.nullable(),
    keyPrefix: z.string().nullable(),
    method: z.string(),
    route: z.string().nullable(),
    action: z.string(),
    targetIds: jsonObject,
    status: count,
    requestId: z.string().nullable(),
    clientIp: z.string().nullable(),
  }),
);

export const auditOperations: ApiOperation[] = [
  { method: 'get', path: '/', summary: 'Audit events (writes and refused auth attempts), newest first; operator keys: accountId=<id>|all', query: auditQuery, response: auditPage, errors: { 403: ['FORBIDDEN_SCOPE'] } },
];
