import { and, eq, gte, isNull, lt, ne, type SQL } from 'drizzle-orm';
import { articles, type ReviewStatus } from '../../db/schema.js';
import { articleSearchCondition } from './search-query.js';

/** What lists, exports and bulk review select by; every field optional, all given ones must hold. */
export interface ArticleFilter {
  taskId?: number;
  reviewStatus?: ReviewStatus;
  distillationId?: number;
  /** The keyword the article was written for (its snapshot), exactly. */
  keyword?: string;
  /** created_at >= createdFrom and < createdTo. */
  createdFrom?: Date;
  createdTo?: Date;
  /** Full-text search over title and content (English and CJK; see search-query.ts). */
  q?: string;
  /** Leave rejected articles out (exports do, unless reviewStatus asks for a status). */
  excludeRejected?: boolean;
}

/** The account's live (not deleted) articles that pass `filter`. */
export function articleWhere(accountId: number, filter: ArticleFilter): SQL {
  return and(
    eq(articles.accountId, accountId),
    isNull(articles.deletedAt),
    filter.taskId !== undefined ? eq(articles.taskId, filter.taskId) : undefined,
    filter.reviewStatus ? eq(articles.reviewStatus, filter.reviewStatus) : filter.excludeRejected ? ne(articles.reviewStatus, 'rejected') : undefined,
    filter.distillationId !== undefined ? eq(articles.distillationId, filter.distillationId) : undefined,
    filter.keyword !== undefined ? eq(articles.keyword, filter.keyword) : undefined,
    filter.createdFrom ? gte(articles.createdAt, filter.createdFrom) : undefined,
    filter.createdTo ? lt(articles.createdAt, filter.createdTo) : undefined,
    filter.q !== undefined ? articleSearchCondition(articles.searchVector, filter.q) : undefined,
  )!;
}
