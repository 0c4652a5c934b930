import { and, asc, gt, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/client.js';
import { articles } from '../../../db/schema.js';
import { articleWhere, type ArticleFilter } from '../article-filter.js';
import { articleFields } from '../article-queries.js';
import type { ExportedArticle } from './markdown-document.js';

export const EXPORT_BATCH_SIZE = 200;

/**
 * Each request sent to a model for the article, oldest first: `[{model, outcome}]` (one index probe of llm_attempts). The
 * outer columns are written qualified: drizzle renders a column unqualified, which inside the subquery is llm_attempts' own.
 */
export const articleAttemptModels = sql<{ model: string; outcome: string }[]>`coalesce((
  SELECT json_agg(json_build_object('model', la.model_id, 'outcome', la.outcome) ORDER BY la.id)
  FROM llm_attempts la WHERE la.task_id = "articles"."task_id" AND la.position = "articles"."position"), '[]'::json)`;

/**
 * The account's live articles passing `filter`, oldest id first, read `batchSize` rows at a time by
 * keyset (id > the last one read): memory holds one batch however many articles match, and each read is
 * an index range, not an OFFSET that rescans.
 */
export async function* articleBatches(db: DbOrTx, accountId: number, filter: ArticleFilter, batchSize = EXPORT_BATCH_SIZE): AsyncGenerator<ExportedArticle[]> {
  const where = articleWhere(accountId, filter);
  let after = 0;
  for (;;) {
    const rows = await db.select({ ...articleFields, attempts: articleAttemptModels }).from(articles).where(and(where, gt(articles.id, after))).orderBy(asc(articles.id)).limit(batchSize);
    if (rows.length > 0) yield rows;
    if (rows.length < batchSize) return;
    after = rows[rows.length - 1]!.id;
  }
}
