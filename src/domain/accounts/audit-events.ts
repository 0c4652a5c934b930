import { and, count, desc, eq, gte, lt, sql, type SQL } from 'drizzle-orm';
import type { Db, DbOrTx } from '../../db/client.js';
import { auditEvents } from '../../db/schema.js';

export interface AuditEventInput {
  accountId: number | null;
  keyPrefix: string | null;
  method: string;
  /** The route pattern, never the URL (a query string may carry anything). */
  route: string | null;
  targetIds?: Record<string, unknown>;
  status: number;
  requestId: string;
  clientIp: string | null;
}

/**
 * Records one answered write request. Its commit waits for the disk like every other: an audit trail that a database
 * crash could shorten would not be one (the rate-limit buckets, mere counters, commit without the wait).
 */
export async function recordAuditEvent(db: DbOrTx, event: AuditEventInput): Promise<void> {
  await db.insert(auditEvents).values({ ...event, targetIds: event.targetIds ?? {} });
}

/**
 * Records a refused auth attempt, at most one per key prefix and client address per second: the unique
 * refusal bucket makes PostgreSQL drop the rest, so a flood from many API processes cannot fill the table.
 * A throttled attempt passes its own `refusalBucket` (the throttle's bucket and period): one row per period.
 */
export async function recordRefusedAuth(db: DbOrTx, event: AuditEventInput, refusalBucket?: string): Promise<boolean> {
  const bucket = refusalBucket ?? sql`${event.keyPrefix ?? ''} || '|' || ${event.clientIp ?? ''} || '|' || floor(extract(epoch FROM now()))::bigint::text`;
  const inserted = await db
    .insert(auditEvents)
    .values({ ...event, targetIds: event.targetIds ?? {}, refusalBucket: bucket })
    .onConflictDoNothing({ target: auditEvents.refusalBucket })
    .returning({ id: auditEvents.id });
  return inserted.length > 0;
}

export interface AuditQuery {
  /** One account, or every account (admin keys only; includes refused attempts with no known account). */
  accountId: number | 'all';
  from?: Date;
  to?: Date;
  /** `POST` (a method) or `POST /api/distillations` (a method and route pattern). */
  action?: string;
  page: number;
  pageSize: number;
}

const auditView = {
  id: auditEvents.id,
  createdAt: auditEvents.createdAt,
  accountId: auditEvents.accountId,
  keyPrefix: auditEvents.keyPrefix,
  method: auditEvents.method,
  route: auditEvents.route,
  action: sql<string>`${auditEvents.method} || ' ' || COALESCE(${auditEvents.route}, '(no route)')`,
  targetIds: auditEvents.targetIds,
  status: auditEvents.status,
  requestId: auditEvents.requestId,
  clientIp: auditEvents.clientIp,
};

/** Audit events, newest first, filtered by time range [from, to) and action. */
export async function listAuditEvents(db: DbOrTx, q: AuditQuery) {
  const where: SQL[] = [];
  if (q.accountId !== 'all') where.push(eq(auditEvents.accountId, q.accountId));
  if (q.from) where.push(gte(auditEvents.createdAt, q.from));
  if (q.to) where.push(lt(auditEvents.createdAt, q.to));
  if (q.action) {
    const [method, route] = q.action.trim().split(/\s+/, 2);
    where.push(eq(auditEvents.method, method!.toUpperCase()));
    if (route) where.push(eq(auditEvents.route, route));
  }
  const condition = and(...where);
  const events = await db
    .select(auditView)
    .from(auditEvents)
    .where(condition)
    .orderBy(desc(auditEvents.createdAt), desc(auditEvents.id))
    .limit(q.pageSize)
    .offset((q.page - 1) * q.pageSize);
  const [total] = await db.select({ n: count() }).from(auditEvents).where(condition);
  return { events, page: q.page, pageSize: q.pageSize, total: total!.n };
}

const DELETE_BATCH = 10_000;

/** Deletes audit events older than the retention, in batches so no transaction holds many rows; returns how many. */
export async function deleteExpiredAuditEvents(db: Db, retentionDays: number): Promise<number> {
  let deleted = 0;
  for (;;) {
    const rows = await db.execute(sql`
      DELETE FROM audit_events WHERE id IN (
        SELECT id FROM audit_events WHERE created_at < now() - make_interval(days => ${retentionDays}) ORDER BY id LIMIT ${DELETE_BATCH})
      RETURNING id`);
    deleted += rows.length;
    if (rows.length < DELETE_BATCH) return deleted;
  }
}
