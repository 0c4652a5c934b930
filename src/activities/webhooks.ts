import { ApplicationFailure, Context } from '@temporalio/activity';
import type { WebhookSettings } from '../config.js';
import type { Db } from '../db/client.js';
import {
  deliveryBody,
  failDelivery,
  loadDeliveryToSend,
  openWebhookSecret,
  postWebhook,
  preparePublication,
  recordDeliveryAttempt,
  type SecretSealer,
  signWebhook,
  WebhookTargetNotAllowed,
} from '../domain/webhooks/index.js';
import { webhookAttempts, webhookDeliveriesFinished } from '../infra/metrics/registry.js';
import type { Logger } from '../logger.js';
import { webhookDeliveryWorkflowId } from '../temporal/webhook-deliveries.js';
import type { WebhookActivities } from '../workflows/contracts.js';
import { currentWorkflowId, refuseRun } from './untrusted-run.js';

/** The delivery log's one text for every request that got no HTTP answer (refused, reset, timed out, not HTTP). */
const NO_ANSWER = 'could not connect to the endpoint, or it gave no HTTP answer';

export interface WebhookActivityDeps {
  db: Db;
  log: Logger;
  webhooks: WebhookSettings;
  /** Opens the sealed signing secrets (the payload codec). */
  sealer: SecretSealer;
}

/** The activities of webhook delivery workflows: one attempt each, logged, and the final failure. */
export function createWebhookActivities({ db, log, webhooks, sealer }: WebhookActivityDeps): WebhookActivities {
  /** A delivery runs only under its own workflow id: another run naming it was not started by the service. */
  const requireOwnRun = (deliveryId: number, generation: number) => {
    const workflowId = currentWorkflowId();
    if (workflowId !== webhookDeliveryWorkflowId(deliveryId, generation)) refuseRun(log, `it names delivery ${deliveryId} but runs as ${workflowId}`, { deliveryId, generation, workflowId });
  };
  return {
    /**
     * One attempt: sign, POST, log. A 2xx ends the delivery; anything else throws so Temporal retries
     * with backoff. A refused target and a deleted webhook do not retry. The body and the message id
     * are the same on every attempt; the timestamp and signature are made fresh.
     */
    async sendWebhookDelivery({ deliveryId, generation, timeoutMs }: { deliveryId: number; generation: number; timeoutMs: number }): Promise<'succeeded' | 'skipped'> {
      requireOwnRun(deliveryId, generation);
      const row = await loadDeliveryToSend(db, deliveryId);
      // A redelivery replaced this generation, or it is finished: nothing to send.
      if (!row || row.generation !== generation || row.status !== 'pending') return 'skipped';
      if (row.webhookDeletedAt) throw ApplicationFailure.nonRetryable(`webhook of delivery ${deliveryId} was deleted`, 'WebhookGone');
      const attempt = Context.current().info.attempt;
      const timestamp = Math.floor(Date.now() / 1000);
      const body = deliveryBody(row);
      const headers = { 'webhook-id': row.messageId, 'webhook-timestamp': String(timestamp), 'webhook-signature': signWebhook(openWebhookSecret(sealer, row.secret), row.messageId, timestamp, body) };
      const startedAt = Date.now();
      let status: number | null = null;
      let error: string | null = null;
      let refused = false;
      // Why a request got no answer, for operators only: the delivery log must not tell a closed port from an open one.
      let cause: { cause: string; refusedAddresses?: string[] } | undefined;
      try {
        status = (await postWebhook(new URL(row.url), headers, body, { timeoutMs, allowPrivate: webhooks.allowPrivateTargets })).status;
        if (status < 200 || status > 299) error = `the endpoint answered HTTP ${status}`;
      } catch (err) {
        if (err instanceof WebhookTargetNotAllowed) {
          refused = true;
          error = err.message;
          cause = { cause: err.code, refusedAddresses: err.refusedAddresses };
        } else {
          error = NO_ANSWER;
          cause = { cause: (err as NodeJS.ErrnoException).code ?? (err as Error).name };
        }
      }
      await recordDeliveryAttempt(db, { deliveryId, generation, attempt, ok: error === null, responseStatus: status, durationMs: Date.now() - startedAt, error });
      webhookAttempts.inc({ outcome: error === null ? 'succeeded' : refused ? 'refused' : status !== null ? 'http_error' : 'no_answer' });
      if (error === null) {
        webhookDeliveriesFinished.inc({ outcome: 'succeeded' });
        return 'succeeded';
      }
      log.warn({ deliveryId, attempt, responseStatus: status, refused, ...cause }, 'webhook attempt failed');
      if (refused) throw ApplicationFailure.nonRetryable(error, 'WebhookTargetNotAllowed');
      throw ApplicationFailure.retryable(error, 'WebhookAttemptFailed');
    },

    /** At a publication's slot: 'due' to send it (its payload now the article as it stands), or 'skipped'. */
    async preparePublication({ deliveryId, generation }: { deliveryId: number; generation: number }) {
      requireOwnRun(deliveryId, generation);
      return preparePublication(db, deliveryId, generation);
    },

    async finishFailedDelivery({ deliveryId, generation, error }: { deliveryId: number; generation: number; error: string }) {
      // Counted by the call that failed it: a retry after the commit moves nothing.
      if (await failDelivery(db, deliveryId, generation, error)) webhookDeliveriesFinished.inc({ outcome: 'failed' });
    },
  };
}
