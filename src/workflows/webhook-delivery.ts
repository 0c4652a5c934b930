import { ActivityFailure, patched, proxyActivities, sleep } from '@temporalio/workflow';
import type { WebhookActivities, WebhookDeliveryInput, WebhookDeliveryResult } from './contracts.js';
import { requireTrustedInput } from './trusted-input.js';

/** Histories that wait for a publication slot; those from before publishing never call it. */
export const PUBLICATION_SLOT_PATCH = 'publication-slot';

const { finishFailedDelivery, preparePublication } = proxyActivities<WebhookActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1s', maximumInterval: '1 minute' },
});

/**
 * One webhook delivery (workflow id `webhook-delivery-<id>-<generation>`): attempts with exponential
 * backoff for 24 h, each attempt logged by the activity; what is still failing then, or fails for good
 * (a refused target, a deleted webhook), ends the delivery as failed. A publication first sleeps until
 * its slot on a durable timer (a worker lost meanwhile costs nothing) and is skipped when its article
 * is no longer approved by then.
 */
export async function webhookDeliveryWorkflow(input: WebhookDeliveryInput): Promise<WebhookDeliveryResult> {
  const { deliveryId, generation, policy, notBefore } = requireTrustedInput(input, 'webhookDeliveryWorkflow');
  if (notBefore !== undefined && patched(PUBLICATION_SLOT_PATCH)) {
    // Workflow time: the same on replay. The slot is in microseconds; waking a millisecond late is fine, early is not.
    const wait = Date.parse(notBefore) + 1 - Date.now();
    if (wait > 0) await sleep(wait);
    if ((await preparePublication({ deliveryId, generation })) === 'skipped') return { status: 'skipped' };
  }
  const { sendWebhookDelivery } = proxyActivities<WebhookActivities>({
    scheduleToCloseTimeout: '24 hours',
    // The request's own timeout plus room for the database writes around it; a lost worker retries after this.
    startToCloseTimeout: policy.timeoutMs + 10_000,
    retry: { initialInterval: policy.retryInitialMs, backoffCoefficient: 2, maximumInterval: '1 hour' },
  });
  try {
    return { status: await sendWebhookDelivery({ deliveryId, generation, timeoutMs: policy.timeoutMs }) };
  } catch (err) {
    if (!(err instanceof ActivityFailure)) throw err;
    const error = err.cause?.message ?? err.message;
    await finishFailedDelivery({ deliveryId, generation, error });
    return { status: 'failed', error };
  }
}
