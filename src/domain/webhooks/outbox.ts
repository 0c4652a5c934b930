import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { checkWebhookPayload, type WebhookEventType, type WebhookPayload } from '../../shared/events/index.js';

/** A Standard Webhooks message id: `msg_` + 32 hex digits, made by PostgreSQL in the insert itself. */
export const NEW_MESSAGE_ID = sql`'msg_' || replace(gen_random_uuid()::text, '-', '')`;

/**
 * Puts an event into the outbox (webhook_deliveries): one row per live webhook of the account that
 * subscribes to `type` (or only `onlyWebhookId`, for webhook.test). Call it in the transaction of the
 * event's cause, so the event exists exactly when its cause committed; then start the deliveries after
 * the commit (deliverAfterCommit), or leave it to the sweeper. The payload must be what the vocabulary
 * says its type carries (src/shared/events); a mismatch throws before anything is written. Returns the
 * new deliveries' ids.
 *
 * @example await enqueueWebhookEvent(tx, accountId, 'article.approved', { articleId })
 */
export async function enqueueWebhookEvent<T extends WebhookEventType>(
  db: DbOrTx,
  accountId: number,
  type: T,
  payload: WebhookPayload<T>,
  { onlyWebhookId }: { onlyWebhookId?: number } = {},
): Promise<number[]> {
  checkWebhookPayload(type, payload);
  const rows = await db.execute<{ id: number }>(sql`
    INSERT INTO webhook_deliveries (account_id, webhook_id, message_id, event_type, payload)
    SELECT account_id, id, ${NEW_MESSAGE_ID}, ${type}, ${JSON.stringify(payload)}::jsonb
    FROM webhooks
    WHERE account_id = ${accountId} AND deleted_at IS NULL
      AND ${onlyWebhookId === undefined ? sql`${type} = ANY(events)` : sql`id = ${onlyWebhookId}`}
    ORDER BY id
    RETURNING id`);
  return rows.map((r) => r.id);
}
