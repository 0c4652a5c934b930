import { and, asc, gt } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/client.js';
import { articles } from '../../../db/schema.js';
import { articleWhere, type ArticleFilter } from '../article-filter.js';
import { articleFields, type Article } from '../article-queries.js';

export const EXPORT_BATCH_SIZE = 200;

/**
 * The account's live articles passing `filter`, oldest id first, read `batchSize` rows at a time by
 * keyset (id > the last one read): memory holds one batch however many articles match, and each read is
 * an index range, not an OFFSET that rescans.
 */
export async function* articleBatches(db: DbOrTx, accountId: number, filter: ArticleFilter, batchSize = EXPORT_BATCH_SIZE): AsyncGenerator<Article[]> {
  const where = articleWhere(accountId, filter);
  let after = 0;
  for (;;) {
    const rows = await db.select(articleFields).from(articles).where(and(where, gt(articles.id, after))).orderBy(asc(articles.id)).limit(batchSize);
    if (rows.length > 0) yield rows;
    if (rows.length < batchSize) return;
    after = rows[rows.length - 1]!.id;
  }
}
