import { and, asc, eq, inArray, isNull } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { articles } from '../../db/schema.js';
import { AppError } from '../errors.js';
import { articleWhere, type ArticleFilter } from './article-filter.js';
import { reviewLockedRows, type ReviewAction } from './review.js';

/** Articles one bulk review may touch: one transaction holds their row locks. */
export const MAX_BULK_REVIEW = 1000;

export type BulkSelection = { ids: number[] } | { filter: ArticleFilter };

/**
 * One review action over many live articles of the account, in one transaction: by ids (every id must
 * be the account's live article, else 404 and nothing changes) or by filter (at most MAX_BULK_REVIEW
 * matches, else 400 and nothing changes). Rows already in the target state are unchanged; rows the
 * action cannot move are skipped and counted by state.
 */
export async function bulkReview(db: Db, accountId: number, selection: BulkSelection, action: ReviewAction, reason?: string) {
  return db.transaction(async (tx) => {
    const base = tx.select({ id: articles.id, reviewStatus: articles.reviewStatus }).from(articles);
    let rows: { id: number; reviewStatus: (typeof articles.$inferSelect)['reviewStatus'] }[];
    if ('ids' in selection) {
      const ids = [...new Set(selection.ids)];
      rows = await base
        .where(and(eq(articles.accountId, accountId), isNull(articles.deletedAt), inArray(articles.id, ids)))
        .orderBy(asc(articles.id))
        .for('update');
      const found = new Set(rows.map((r) => r.id));
      const missing = ids.filter((id) => !found.has(id));
      if (missing.length > 0) {
        throw new AppError(404, 'NOT_FOUND', `article(s) ${missing.slice(0, 20).join(', ')} were not found; nothing was changed.`, { resource: 'article', ids: missing });
      }
    } else {
      rows = await base
        .where(articleWhere(accountId, selection.filter))
        .orderBy(asc(articles.id))
        .limit(MAX_BULK_REVIEW + 1)
        .for('update');
      if (rows.length > MAX_BULK_REVIEW) {
        throw new AppError(400, 'TOO_MANY_ARTICLES', `The filter matches more than ${MAX_BULK_REVIEW} articles; narrow it (taskId, reviewStatus, created range) and repeat.`, { limit: MAX_BULK_REVIEW });
      }
    }
    const counts = await reviewLockedRows(tx, accountId, rows, action, reason);
    return { action, matched: rows.length, ...counts };
  });
}
