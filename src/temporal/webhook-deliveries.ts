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

/**
 * Starts the workflows of deliveries not started yet (the account's, these ids, or, for the sweeper,
 * those older than `olderThanMs`). REJECT_DUPLICATE keeps a second start of the same id (a racing
 * caller, a start whose mark was lost in a crash) from sending again, even after the first finished.
 * Returns how many this call started.
 */
export async function startWebhookDeliveries(
  db: Db,
  target: WebhookStartTarget,
  filter: { accountId?: number; ids?: number[]; olderThanMs?: number },
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
