/** Articles as deliverables: lists and search, review, edits with revisions, soft delete, export. */
export { articleWhere, type ArticleFilter } from './article-filter.js';
export { getArticle, listArticles, type Article } from './article-queries.js';
export { bulkReview, MAX_BULK_REVIEW, type BulkSelection } from './bulk-review.js';
export { REVIEW_ACTIONS, reviewArticle, reviewLockedRows, reviewOutcome, type ReviewAction } from './review.js';
export { deleteArticle, editArticle, listRevisions, type Editor } from './revisions.js';
export {
  EXPORT_CONTENT_TYPES,
  EXPORT_FORMATS,
  exportArticle,
  exportArticles,
  SINGLE_EXPORT_FORMATS,
  SINGLE_JSON_CONTENT_TYPE,
  type ExportFile,
  type ExportFormat,
} from './export/article-export.js';
export { markdownToHtml } from './export/markdown-html.js';
