import type { WebhookSettings } from '../config.js';
import type { Db } from '../db/client.js';
import { bulkReview, reviewArticle, type BulkSelection, type ReviewAction } from '../domain/articles/index.js';
import type { Logger } from '../logger.js';
import type { WorkflowStartTarget } from './start-task-workflow.js';
import { deliverAfterCommit } from './webhook-deliveries.js';

/**
 * Review actions for the API and the console alike: an approval writes its `article.approved`
 * deliveries in the review's transaction, and their workflows are started right after it (else the
 * sweeper starts them later).
 *
 * @example
 * const review = articleReviewer({ db, temporal, webhooks, log });
 * await review.one(accountId, 7, 'approve');
 */
export function articleReviewer({ db, temporal, webhooks, log }: { db: Db; temporal: WorkflowStartTarget; webhooks: WebhookSettings; log: Logger }) {
  const afterCommit = deliverAfterCommit(db, () => ({ client: temporal.client, taskQueue: temporal.taskQueue, webhooks }), log);
  return {
    one: (accountId: number, id: number, action: ReviewAction, reason?: string) =>
      afterCommit(() => reviewArticle(db, accountId, id, action, reason), (r) => (action === 'approve' && r.changed ? { accountId } : null)),
    many: (accountId: number, selection: BulkSelection, action: ReviewAction, reason?: string) =>
      afterCommit(() => bulkReview(db, accountId, selection, action, reason), (r) => (action === 'approve' && r.changed > 0 ? { accountId } : null)),
  };
}
