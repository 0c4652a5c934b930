import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { webhookDeliveries, webhookDeliveryAttempts, webhooks } from '../../db/schema.js';

const d = webhookDeliveries;

/** What one attempt needs: the delivery, its webhook's URL and secret, and whether it is still to be sent. */
export async function loadDeliveryToSend(db: Db, id: number) {
  const [row] = await db
    .select({
      id: d.id,
      generation: d.generation,
      status: d.status,
      messageId: d.messageId,
      eventType: d.eventType,
      payload: d.payload,
      createdAt: d.createdAt,
      url: webhooks.url,
      secret: webhooks.secret,
      webhookDeletedAt: webhooks.deletedAt,
    })
    .from(d)
    .innerJoin(webhooks, eq(webhooks.id, d.webhookId))
    .where(eq(d.id, id));
  return row;
}

/** The request body: Standard Webhooks' `{ type, timestamp, data }`, the same bytes on every attempt. */
export const deliveryBody = (row: { eventType: string; createdAt: Date; payload: Record<string, unknown> }) =>
  JSON.stringify({ type: row.eventType, timestamp: row.createdAt.toISOString(), data: row.payload });

export interface AttemptOutcome {
  deliveryId: number;
  generation: number;
  attempt: number;
  ok: boolean;
  responseStatus: number | null;
  durationMs: number;
  error: string | null;
}

/** Logs one attempt and moves the delivery (succeeded on a 2xx), unless a redelivery replaced this generation. */
export async function recordDeliveryAttempt(db: Db, o: AttemptOutcome) {
  await db.transaction(async (tx) => {
    const [moved] = await tx
      .update(d)
      .set({
        attemptCount: sql`${d.attemptCount} + 1`,
        lastResponseStatus: o.responseStatus,
        lastError: o.error,
        updatedAt: sql`now()`,
        ...(o.ok ? { status: 'succeeded' as const, completedAt: sql`now()` } : {}),
      })
      .where(and(eq(d.id, o.deliveryId), eq(d.generation, o.generation), eq(d.status, 'pending')))
      .returning({ id: d.id });
    if (!moved) return;
    await tx.insert(webhookDeliveryAttempts).values({
      deliveryId: o.deliveryId,
      generation: o.generation,
      attempt: o.attempt,
      status: o.ok ? 'succeeded' : 'failed',
      responseStatus: o.responseStatus,
      durationMs: o.durationMs,
      error: o.error,
    });
  });
}

/** Gives up on a delivery (24 h of retries spent, or a failure no retry mends). */
export async function failDelivery(db: Db, id: number, generation: number, error: string): Promise<boolean> {
  const failed = await db
    .update(d)
    .set({ status: 'failed', lastError: error, completedAt: sql`now()`, updatedAt: sql`now()` })
    .where(and(eq(d.id, id), eq(d.generation, generation), eq(d.status, 'pending')))
    .returning({ id: d.id });
  return failed.length > 0;
}
