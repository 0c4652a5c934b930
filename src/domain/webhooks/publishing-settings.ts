import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Db, DbOrTx } from '../../db/client.js';
import { publishingSettings, webhooks } from '../../db/schema.js';
import { notFound } from '../errors.js';
import { PREPARED_PUBLICATION } from './publication-check.js';

/** A day: the longest spacing of publications. */
export const MAX_PUBLISHING_INTERVAL_MINUTES = 1440;

export interface PublishingInput {
  webhookId: number;
  /** Minutes between two publications; 0: each as it is approved. */
  intervalMinutes: number;
}

/** How long a minute of an interval is: 60 s, shorter only in tests (PUBLISHING_MINUTE_SECONDS). */
export interface PublishingClock {
  minuteSeconds: number;
}

const p = publishingSettings;

async function publishingView(db: DbOrTx, accountId: number, { minuteSeconds }: PublishingClock) {
  const [row] = await db
    .select({
      webhookId: p.webhookId,
      url: webhooks.url,
      intervalSeconds: p.intervalSeconds,
      lastSlotAt: p.lastSlotAt,
      nextSlotAt: sql`GREATEST(now(), ${p.lastSlotAt} + make_interval(secs => ${p.intervalSeconds}))`.mapWith(p.lastSlotAt),
      updatedAt: p.updatedAt,
    })
    .from(p)
    .innerJoin(webhooks, eq(webhooks.id, p.webhookId))
    .where(eq(p.accountId, accountId));
  if (!row) return { publishing: null };
  const { intervalSeconds, ...rest } = row;
  return { publishing: { ...rest, intervalMinutes: intervalSeconds / minuteSeconds } };
}

/** The account's publishing: its webhook, the interval, the last slot given out and the next one; null when off. */
export const getPublishing = (db: Db, accountId: number, clock: PublishingClock) => publishingView(db, accountId, clock);

/**
 * Turns publishing on or changes it: from now on each approval of the account becomes an
 * `article.published` delivery to this live webhook, slotted `intervalMinutes` after the slot before.
 * Slots already given out stay; the next one counts from the last of them.
 */
export async function putPublishing(db: Db, accountId: number, input: PublishingInput, clock: PublishingClock) {
  return db.transaction(async (tx) => {
    // Held until the commit, so a webhook deleted meanwhile cannot be left as the publishing target.
    const [hook] = await tx
      .select({ id: webhooks.id })
      .from(webhooks)
      .where(and(eq(webhooks.id, input.webhookId), eq(webhooks.accountId, accountId), isNull(webhooks.deletedAt)))
      .for('share');
    if (!hook) throw notFound('webhook', input.webhookId);
    const intervalSeconds = input.intervalMinutes * clock.minuteSeconds;
    await tx
      .insert(p)
      .values({ accountId, webhookId: input.webhookId, intervalSeconds })
      .onConflictDoUpdate({ target: p.accountId, set: { webhookId: input.webhookId, intervalSeconds, updatedAt: sql`now()` } });
    return publishingView(tx, accountId, clock);
  });
}

/**
 * Turns publishing off: later approvals publish nothing, and publications still waiting for their slot
 * end skipped (one already being sent is left to finish). Answers how many were skipped.
 */
export async function stopPublishing(db: Db, accountId: number) {
  return db.transaction(async (tx) => {
    await tx.delete(p).where(eq(p.accountId, accountId));
    const skipped = await tx.execute(sql`
      UPDATE webhook_deliveries
      SET status = 'skipped', last_error = 'publishing was turned off before its slot', completed_at = now(), updated_at = now()
      WHERE account_id = ${accountId} AND event_type = 'article.published' AND status = 'pending' AND NOT ${PREPARED_PUBLICATION}
      RETURNING id`);
    return { publishing: null, skippedDeliveries: skipped.length };
  });
}
