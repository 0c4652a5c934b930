import { and, asc, count, desc, eq, inArray, isNull, lt, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { webhookDeliveries, webhookDeliveryAttempts, type WebhookDeliveryStatus } from '../../db/schema.js';
import { conflict, notFound } from '../errors.js';

const d = webhookDeliveries;
const deliveryView = {
  id: d.id,
  webhookId: d.webhookId,
  messageId: d.messageId,
  eventType: d.eventType,
  status: d.status,
  attemptCount: d.attemptCount,
  lastResponseStatus: d.lastResponseStatus,
  lastError: d.lastError,
  notBefore: d.notBefore,
  createdAt: d.createdAt,
  completedAt: d.completedAt,
};
const attemptView = {
  deliveryId: webhookDeliveryAttempts.deliveryId,
  attempt: webhookDeliveryAttempts.attempt,
  status: webhookDeliveryAttempts.status,
  responseStatus: webhookDeliveryAttempts.responseStatus,
  durationMs: webhookDeliveryAttempts.durationMs,
  error: webhookDeliveryAttempts.error,
  createdAt: webhookDeliveryAttempts.createdAt,
};

export interface DeliveryFilter {
  webhookId?: number | undefined;
  status?: WebhookDeliveryStatus | undefined;
  page: number;
  pageSize: number;
}

/** The account's deliveries, newest first, each with its attempts in order: the delivery log. */
export async function listDeliveries(db: Db, accountId: number, f: DeliveryFilter) {
  const where = and(eq(d.accountId, accountId), f.webhookId === undefined ? undefined : eq(d.webhookId, f.webhookId), f.status === undefined ? undefined : eq(d.status, f.status));
  const [rows, [total]] = await Promise.all([
    db.select(deliveryView).from(d).where(where).orderBy(desc(d.id)).limit(f.pageSize).offset((f.page - 1) * f.pageSize),
    db.select({ n: count() }).from(d).where(where),
  ]);
  const attempts = rows.length
    ? await db.select(attemptView).from(webhookDeliveryAttempts).where(inArray(webhookDeliveryAttempts.deliveryId, rows.map((r) => r.id))).orderBy(asc(webhookDeliveryAttempts.id))
    : [];
  const deliveries = rows.map((r) => ({ ...r, attempts: attempts.filter((a) => a.deliveryId === r.id).map(({ deliveryId: _, ...a }) => a) }));
  return { deliveries, page: f.page, pageSize: f.pageSize, total: total!.n };
}

/** One delivery of the account (without attempts), or a 404. */
export async function getDelivery(db: Db, accountId: number, id: number) {
  const [row] = await db.select(deliveryView).from(d).where(and(eq(d.id, id), eq(d.accountId, accountId)));
  if (!row) throw notFound('webhook delivery', id);
  return row;
}

/**
 * Sends a finished delivery again, with the same message id (receivers deduplicate by it): a new
 * generation, so its workflow id is new and started once. A delivery still being tried is a 409.
 */
export async function redeliver(db: Db, accountId: number, id: number) {
  const [row] = await db
    .update(d)
    .set({ status: 'pending', generation: sql`${d.generation} + 1`, workflowStartedAt: null, completedAt: null, updatedAt: sql`now()` })
    .where(and(eq(d.id, id), eq(d.accountId, accountId), sql`${d.status} <> 'pending'`))
    .returning(deliveryView);
  if (row) return row;
  const existing = await getDelivery(db, accountId, id);
  throw conflict('DELIVERY_IN_PROGRESS', `Delivery ${id} is still being tried (${existing.attemptCount} attempts so far); redeliver it once it has succeeded, failed or been skipped.`, { id });
}

/** Deliveries no workflow was started for: of the account, these ids, or older than `olderThanMs` (the sweeper). */
export async function unstartedDeliveries(db: Db, f: { accountId?: number; ids?: number[]; olderThanMs?: number; limit?: number }) {
  const conditions: (SQL | undefined)[] = [
    isNull(d.workflowStartedAt),
    eq(d.status, 'pending'),
    f.accountId === undefined ? undefined : eq(d.accountId, f.accountId),
    f.ids === undefined ? undefined : inArray(d.id, f.ids),
    f.olderThanMs === undefined ? undefined : lt(d.createdAt, sql`now() - make_interval(secs => ${f.olderThanMs / 1000})`),
  ];
  return db.select({ id: d.id, generation: d.generation, accountId: d.accountId, notBefore: d.notBefore }).from(d).where(and(...conditions)).orderBy(asc(d.id)).limit(f.limit ?? 500);
}

export async function markDeliveryStarted(db: Db, id: number, generation: number) {
  await db.update(d).set({ workflowStartedAt: sql`now()` }).where(and(eq(d.id, id), eq(d.generation, generation), isNull(d.workflowStartedAt)));
}
