import type { WebhookSettings } from '../config.js';
import type { Db } from '../db/client.js';
import { enqueueTestEvent, redeliver } from '../domain/webhooks/index.js';
import type { Logger } from '../logger.js';
import type { WorkflowStartTarget } from './start-task-workflow.js';
import { deliverAfterCommit } from './webhook-deliveries.js';

/**
 * Sending a test event and redelivering, for the API and the console alike: the delivery is committed
 * first, then its workflow is started (one not started here is the sweeper's).
 *
 * @example
 * const send = webhookSender({ db, temporal, webhooks, log });
 * const delivery = await send.test(accountId, 3);
 */
export function webhookSender({ db, temporal, webhooks, log }: { db: Db; temporal: WorkflowStartTarget; webhooks: WebhookSettings; log: Logger }) {
  const afterCommit = deliverAfterCommit(db, () => ({ client: temporal.client, taskQueue: temporal.taskQueue, webhooks }), log);
  const itself = (delivery: { id: number }) => ({ ids: [delivery.id] });
  return {
    test: (accountId: number, webhookId: number) => afterCommit(() => enqueueTestEvent(db, accountId, webhookId), itself),
    redeliver: (accountId: number, deliveryId: number) => afterCommit(() => redeliver(db, accountId, deliveryId), itself),
  };
}
