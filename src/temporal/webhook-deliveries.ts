import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { WebhookSettings } from '../config.js';
import type { Db } from '../db/client.js';
import { markDeliveryStarted, unstartedDeliveries } from '../domain/webhooks/index.js';
import type { Logger } from '../logger.js';
import { WORKFLOW_TYPES, type WebhookDeliveryWorkflow } from '../workflows/contracts.js';

/** A delivery's workflow id: derived from the delivery and its generation, so each is started once. */
export const webhookDeliveryWorkflowId = (deliveryId: number, generation: number) => `webhook-delivery-${deliveryId}-${generation}`;

export interface WebhookStartTarget {
  client: Client;
  taskQueue: string;
  webhooks: WebhookSettings;
}

/** Which unstarted deliveries to start: the account's, these ids, or (the sweeper) those older than this. */
export interface DeliveryFilter {
  accountId?: number;
  ids?: number[];
  olderThanMs?: number;
}

/**
 * Starts the workflows of deliveries not started yet (the account's, these ids, or, for the sweeper,
 * those older than `olderThanMs`). REJECT_DUPLICATE keeps a second start of the same id (a racing
 * caller, a start whose mark was lost in a crash) from sending again, even after the first finished.
 * Returns how many this call started.
 */
export async function startWebhookDeliveries(
  db: Db,
  target: WebhookStartTarget,
  filter: DeliveryFilter,
  log?: Logger,
) {
  let started = 0;
  for (const d of await unstartedDeliveries(db, filter)) {
    try {
      await target.client.workflow.start<WebhookDeliveryWorkflow>(WORKFLOW_TYPES.webhookDelivery, {
        taskQueue: target.taskQueue,
        workflowId: webhookDeliveryWorkflowId(d.id, d.generation),
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        args: [{ deliveryId: d.id, generation: d.generation, policy: target.webhooks.policy, ...(d.notBefore ? { notBefore: d.notBefore.toISOString() } : {}) }],
      });
      started++;
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) {
        log?.warn({ err, deliveryId: d.id }, 'could not start a webhook delivery; the sweeper tries again');
        continue;
      }
    }
    await markDeliveryStarted(db, d.id, d.generation);
  }
  return started;
}

/**
 * The one way to start webhook deliveries after their cause committed: runs `commit` (a transaction that
 * may have put events into the outbox), then starts the deliveries `which` names from its result (null:
 * none). A start lost here (a crash after the commit) is the sweeper's. `target` is asked at start time,
 * so an activity can hand its own client and task queue.
 *
 * @example
 * const afterCommit = deliverAfterCommit(db, () => target, log);
 * await afterCommit(() => enqueueTestEvent(db, accountId, webhookId), (delivery) => ({ ids: [delivery.id] }));
 */
export function deliverAfterCommit(db: Db, target: () => WebhookStartTarget, log?: Logger) {
  return async <T>(commit: () => Promise<T>, which: (committed: T) => DeliveryFilter | null | Promise<DeliveryFilter | null>): Promise<T> => {
    const committed = await commit();
    const filter = await which(committed);
    if (filter) await startWebhookDeliveries(db, target(), filter, log);
    return committed;
  };
}
