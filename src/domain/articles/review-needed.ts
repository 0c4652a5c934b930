import { and, count, eq, isNull } from 'drizzle-orm';
import type { Tx } from '../../db/client.js';
import { articles } from '../../db/schema.js';
import { appendTaskEvent } from '../tasks/task-events.js';

/**
 * In the transaction that ends a task: when it leaves live articles in pending_review, appends
 * `review.needed` (a notification) with their count. It comes before the final event, so streams that
 * end on the final event still deliver it.
 */
export async function appendReviewNeeded(tx: Tx, accountId: number, taskId: number) {
  const [row] = await tx
    .select({ n: count() })
    .from(articles)
    .where(and(eq(articles.taskId, taskId), eq(articles.reviewStatus, 'pending_review'), isNull(articles.deletedAt)));
  if (!row || row.n === 0) return;
  await appendTaskEvent(tx, { accountId, taskId, type: 'review.needed', data: { pendingReview: row.n } });
}
