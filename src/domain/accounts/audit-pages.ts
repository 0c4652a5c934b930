import { and, desc, eq, gte, like, lt, sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { auditEvents } from '../../db/schema.js';

export const AUDIT_STATUS_CLASSES = ['ok', 'client', 'server'] as const;
export type AuditStatusClass = (typeof AUDIT_STATUS_CLASSES)[number];

const STATUS_RANGES: Record<AuditStatusClass, [number, number]> = { ok: [200, 399], client: [400, 499], server: [500, 599] };

export interface AuditFilter {
  /** One account, or every account (operators only: the caller decides). */
  accountId: number | 'all';
  /** The key prefix as stored (`ak_1a2b3c4d`), exact. */
  keyPrefix?: string;
  /** A route pattern or the start of one (`/api/distillations` also finds `/api/distillations/:id`). */
  route?: string;
  method?: string;
  status?: AuditStatusClass;
  /** [from, to) */
  from?: Date;
  to?: Date;
}

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (m) => `\\${m}`);

function conditions(f: AuditFilter): SQL[] {
  const where: SQL[] = [];
  if (f.accountId !== 'all') where.push(eq(auditEvents.accountId, f.accountId));
  if (f.keyPrefix) where.push(eq(auditEvents.keyPrefix, f.keyPrefix));
  if (f.route) where.push(like(auditEvents.route, `${escapeLike(f.route)}%`));
  if (f.method) where.push(eq(auditEvents.method, f.method.toUpperCase()));
  if (f.status) {
    const [low, high] = STATUS_RANGES[f.status];
    where.push(sql`${auditEvents.status} BETWEEN ${low} AND ${high}`);
  }
  if (f.from) where.push(gte(auditEvents.createdAt, f.from));
  if (f.to) where.push(lt(auditEvents.createdAt, f.to));
  return where;
}

/**
 * One page of audit events, newest first, after the event `before` (keyset: created_at then id, read from
 * that row so no precision is lost in a cursor). `next` is the id to pass for the page after, null on the
 * last page. Served by audit_events_account_created_idx (one account) or audit_events_created_idx (all),
 * however deep the page: no OFFSET, no count.
 */
export async function listAuditPage(db: DbOrTx, f: AuditFilter, o: { before?: number; limit: number }) {
  const where = conditions(f);
  if (o.before !== undefined) {
    where.push(sql`(${auditEvents.createdAt}, ${auditEvents.id}) < ((SELECT created_at FROM audit_events WHERE id = ${o.before}), ${o.before})`);
  }
  const rows = await db
    .select({
      id: auditEvents.id,
      createdAt: auditEvents.createdAt,
      accountId: auditEvents.accountId,
      keyPrefix: auditEvents.keyPrefix,
      method: auditEvents.method,
      route: auditEvents.route,
      targetIds: auditEvents.targetIds,
      status: auditEvents.status,
      requestId: auditEvents.requestId,
      clientIp: auditEvents.clientIp,
    })
    .from(auditEvents)
    .where(and(...where))
    .orderBy(desc(auditEvents.createdAt), desc(auditEvents.id))
    .limit(o.limit + 1);
  const events = rows.slice(0, o.limit);
  return { events, next: rows.length > o.limit ? events[events.length - 1]!.id : null };
}
