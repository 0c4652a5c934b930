import { and, asc, count, desc, eq, getTableColumns, isNull } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { articles } from '../../db/schema.js';
import { notFound } from '../errors.js';
import { articleWhere, type ArticleFilter } from './article-filter.js';

/** Columns only the database reads: the search vector and the SimHash bands are index keys, not the user's text. */
const INDEX_ONLY = ['searchVector', 'simhashBands'] as const;

/** Every column a reader gets. */
export const articleFields = Object.fromEntries(
  Object.entries(getTableColumns(articles)).filter(([k]) => !(INDEX_ONLY as readonly string[]).includes(k)),
) as Omit<ReturnType<typeof getTableColumns<typeof articles>>, (typeof INDEX_ONLY)[number]>;

/** What a list shows of an article besides its text: shared by the article list and a task's detail. */
export const articleSummaryColumns = {
  id: articles.id,
  position: articles.position,
  distillationId: articles.distillationId,
  keyword: articles.keyword,
  title: articles.title,
  reviewStatus: articles.reviewStatus,
  model: articles.model,
  promptTokens: articles.promptTokens,
  completionTokens: articles.completionTokens,
  durationMs: articles.durationMs,
  attemptsDurationMs: articles.attemptsDurationMs,
  wallDurationMs: articles.wallDurationMs,
  qualityFlags: articles.qualityFlags,
  qualityScores: articles.qualityScores,
  createdAt: articles.createdAt,
};

const articleSummary = {
  ...articleSummaryColumns,
  taskId: articles.taskId,
  rejectReason: articles.rejectReason,
  updatedAt: articles.updatedAt,
};

/**
 * The account's live articles passing `filter`, a page at a time: a task's in position order, else newest
 * first, or oldest first with `oldestFirst` (the review queue: what waited longest comes first).
 */
export async function listArticles(db: DbOrTx, accountId: number, opts: ArticleFilter & { page: number; pageSize: number; oldestFirst?: boolean }) {
  const where = articleWhere(accountId, opts);
  const order = opts.taskId !== undefined ? [asc(articles.position)] : [opts.oldestFirst ? asc(articles.id) : desc(articles.id)];
  const [rows, [total]] = await Promise.all([
    db
      .select(articleSummary)
      .from(articles)
      .where(where)
      .orderBy(...order)
      .limit(opts.pageSize)
      .offset((opts.page - 1) * opts.pageSize),
    db.select({ n: count() }).from(articles).where(where),
  ]);
  return { articles: rows, page: opts.page, pageSize: opts.pageSize, total: total?.n ?? 0 };
}

/** One live article of the account; deleted ones and other accounts' are 404. */
export async function getArticle(db: DbOrTx, accountId: number, id: number) {
  const [row] = await db
    .select(articleFields)
    .from(articles)
    .where(and(eq(articles.id, id), eq(articles.accountId, accountId), isNull(articles.deletedAt)));
  if (!row) throw notFound('article', id);
  return row;
}

export type Article = Awaited<ReturnType<typeof getArticle>>;
