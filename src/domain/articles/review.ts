import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { DbOrTx, Tx } from '../../db/client.js';
import { articles, type ReviewStatus } from '../../db/schema.js';
import { conflict, notFound } from '../errors.js';
import { articleFields } from './article-queries.js';
import { enqueuePublications, enqueueWebhookEvent } from '../webhooks/index.js';

export const REVIEW_ACTIONS = ['approve', 'reject', 'reopen'] as const;
export type ReviewAction = (typeof REVIEW_ACTIONS)[number];

/**
 * The review state machine: pending_review -> approved | rejected, and reopen takes a decided article
 * (approved or rejected) back to pending_review. An action that leaves the article where it already is
 * changes nothing; any other move (approve a rejected article, reject an approved one) is illegal.
 */
const TRANSITIONS: Record<ReviewAction, { to: ReviewStatus; from: readonly ReviewStatus[] }> = {
  approve: { to: 'approved', from: ['pending_review'] },
  reject: { to: 'rejected', from: ['pending_review'] },
  reopen: { to: 'pending_review', from: ['approved', 'rejected'] },
};

export type ReviewOutcome = 'changed' | 'unchanged' | 'illegal';

export function reviewOutcome(action: ReviewAction, current: ReviewStatus): ReviewOutcome {
  const t = TRANSITIONS[action];
  if (current === t.to) return 'unchanged';
  return t.from.includes(current) ? 'changed' : 'illegal';
}

const illegal = (id: number, action: ReviewAction, current: ReviewStatus) =>
  conflict('ILLEGAL_REVIEW_TRANSITION', `Article ${id} is ${current}; '${action}' needs it to be ${TRANSITIONS[action].from.join(' or ')}.${
    action !== 'reopen' ? ' Reopen it first (POST /api/articles/:id/reopen).' : ''
  }`, { id, action, reviewStatus: current, allowedFrom: TRANSITIONS[action].from });

/**
 * Moves the given (locked, checked) rows of one account to the action's state; a rejection keeps its
 * reason, others clear it. Approvals enqueue their webhook events, publications slotted in this order.
 */
async function applyReview(tx: Tx, accountId: number, ids: number[], action: ReviewAction, reason?: string) {
  if (ids.length === 0) return;
  await tx
    .update(articles)
    .set({ reviewStatus: TRANSITIONS[action].to, rejectReason: action === 'reject' ? reason! : null, reviewedAt: sql`now()`, updatedAt: sql`now()` })
    .where(inArray(articles.id, ids));
  if (action !== 'approve') return;
  await enqueueApprovals(tx, ids);
  await enqueuePublications(tx, accountId, ids);
}

/** `article.approved` for each newly approved article, in the review's transaction (the webhook outbox). */
async function enqueueApprovals(tx: Tx, ids: number[]) {
  const rows = await tx
    .select({ id: articles.id, accountId: articles.accountId, taskId: articles.taskId, position: articles.position, title: articles.title, keyword: articles.keyword })
    .from(articles)
    .where(inArray(articles.id, ids));
  for (const r of rows) await enqueueWebhookEvent(tx, r.accountId, 'article.approved', {
      articleId: r.id,
      taskId: r.taskId,
      position: r.position,
      title: r.title,
      keyword: r.keyword,
      reviewStatus: 'approved',
    });
}

/** Approves, rejects (with a reason) or reopens one live article of the account; 409 on an illegal transition. */
export async function reviewArticle(db: DbOrTx, accountId: number, id: number, action: ReviewAction, reason?: string) {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .select({ reviewStatus: articles.reviewStatus })
      .from(articles)
      .where(and(eq(articles.id, id), eq(articles.accountId, accountId), isNull(articles.deletedAt)))
      .for('update');
    if (!row) throw notFound('article', id);
    const outcome = reviewOutcome(action, row.reviewStatus);
    if (outcome === 'illegal') throw illegal(id, action, row.reviewStatus);
    if (outcome === 'changed') await applyReview(tx, accountId, [id], action, reason);
    const [article] = await tx.select(articleFields).from(articles).where(eq(articles.id, id));
    return { changed: outcome === 'changed', article: article! };
  });
}

/**
 * Applies one action to already locked rows of one account, in the caller's transaction: counts what
 * moved, what was already there, and what could not move (by current state).
 */
export async function reviewLockedRows(tx: Tx, accountId: number, rows: { id: number; reviewStatus: ReviewStatus }[], action: ReviewAction, reason?: string) {
  const changed: number[] = [];
  const skipped: Partial<Record<ReviewStatus, number>> = {};
  let unchanged = 0;
  for (const r of rows) {
    const outcome = reviewOutcome(action, r.reviewStatus);
    if (outcome === 'changed') changed.push(r.id);
    else if (outcome === 'unchanged') unchanged++;
    else skipped[r.reviewStatus] = (skipped[r.reviewStatus] ?? 0) + 1;
  }
  await applyReview(tx, accountId, changed, action, reason);
  return { changed: changed.length, unchanged, skipped };
}
