import type { Db } from '../../db/client.js';
import { getDelivery } from './delivery-log.js';
import { enqueueWebhookEvent } from './outbox.js';
import { requireWebhook } from './subscriptions.js';

/** Puts a `webhook.test` event for this one webhook into the outbox; returns its delivery. */
export async function enqueueTestEvent(db: Db, accountId: number, webhookId: number) {
  const webhook = await requireWebhook(db, accountId, webhookId);
  const [deliveryId] = await enqueueWebhookEvent(db, accountId, 'webhook.test', { webhookId, url: webhook.url }, { onlyWebhookId: webhookId });
  return getDelivery(db, accountId, deliveryId!);
}
