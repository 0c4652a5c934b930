import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import type { WebhookEventType } from '../../db/schema.js';

/** A Standard Webhooks message id: `msg_` + 32 hex digits, made by PostgreSQL in the insert itself. */
export const NEW_MESSAGE_ID = sql`'msg_' || replace(gen_random_uuid()::text, '-', '')`;

/**
 * Puts an event into the outbox (webhook_deliveries): one row per live webhook of the account that
 * subscribes to `type` (or only `onlyWebhookId`, for webhook.test). Call it in the transaction of the
 * event's cause, so the event exists exactly when its cause committed; then start the deliveries after
 * the commit (startWebhookDeliveries), or leave it to the sweeper. Returns the new deliveries' ids.
 *
 * @example await enqueueWebhookEvent(tx, accountId, 'article.approved', { articleId })
 */
export async function enqueueWebhookEvent(
  db: DbOrTx,
  accountId: number,
  type: WebhookEventType,
  payload: Record<string, unknown>,
  { onlyWebhookId }: { onlyWebhookId?: number } = {},
): Promise<number[]> {
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
