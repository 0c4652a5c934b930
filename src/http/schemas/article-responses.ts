import { z } from 'zod';
import { REVIEW_STATUSES } from '../../db/schema.js';
import { REVIEW_ACTIONS } from '../../domain/articles/index.js';
import { QUALITY_CHECKS } from '../../shared/quality.js';
import { count, id, nullableTimestamp, paged, timestamp } from './common.js';

/** What the article routes answer: the rows of src/domain/articles as `c.json` writes them. */

const reviewStatus = z.enum(REVIEW_STATUSES);
const qualityFlagParams = z
  .object({ chars: z.number().int(), min: z.number().int(), max: z.number().int(), headings: z.number().int(), company: z.string(), word: z.string(), articleId: z.number().int() })
  .partial()
  .describe('What the check measured, for wording the reason in another language');
const qualityFlag = z.object({ check: z.enum(QUALITY_CHECKS), message: z.string(), params: qualityFlagParams.optional() });
const qualityFields = {
  qualityFlags: z.array(qualityFlag).describe('What the quality gate still found wrong in the saved draft; empty: passed. A flagged article waits for review'),
  qualityScores: z
    .object({
      chars: count,
      headings: count,
      nearestArticleId: id.nullable().describe("The account's most similar earlier article found (SimHash within 3 bits shares a band)"),
      similarity: z.number().min(0).max(1).nullable().describe('1 - distance / 64'),
      distance: z.number().int().min(0).max(64).nullable().describe('SimHash bits that differ from the nearest article'),
      attempt: id.describe('The attempt whose draft was saved'),
    })
    .nullable()
    .describe('What the quality gate measured; null for articles from before the gate'),
};
const tokenFields = {
  model: z.string().nullable(),
  promptTokens: count,
  completionTokens: count,
  durationMs: count.describe('Milliseconds of the attempt that wrote the saved draft'),
  attemptsDurationMs: count.nullable().describe('Milliseconds spent in all its attempts (refused drafts and provider failures included); null for articles saved before it was kept'),
  wallDurationMs: count.nullable().describe('Milliseconds from the start of its first attempt to its save; null for articles saved before it was kept'),
  createdAt: timestamp,
};
const base = {
  id,
  position: count,
  distillationId: id.nullable().describe('null once the distillation row is gone'),
  keyword: z.string(),
  title: z.string(),
  reviewStatus,
  ...qualityFields,
  ...tokenFields,
};
const taskId = id.nullable().describe('null once its task was cleaned up');
const rejectReason = z.string().nullable().describe('Set while the article is rejected');

/** An article in a task's detail: everything but its content; deletedAt is set once it was deleted. */
export const articleSummary = z.object({ ...base, deletedAt: nullableTimestamp });

const articleListRow = z.object({ ...base, taskId, rejectReason, updatedAt: timestamp });
export const articleList = paged('articles', articleListRow);

export const article = articleListRow.extend({
  accountId: id,
  topics: z.array(z.string()).describe('The topics of the distillation when the article was written'),
  content: z.string(),
  imageUrl: z.string().nullable(),
  templateId: id.nullable().describe('The prompt template it was written with; null: the built-in default prompt (or an article setting)'),
  templateRevision: id.nullable().describe('The revision of that template'),
  provider: z.string().nullable(),
  reviewedAt: nullableTimestamp,
  deletedAt: nullableTimestamp.describe('Always null here: deleted articles are 404'),
});

export const reviewAnswer = z.object({ changed: z.boolean().describe('false when the article already was in the target state'), article });

export const editAnswer = z.object({
  changed: z.boolean().describe('false when the text equals the current one (no revision)'),
  revisionId: id.nullable(),
  article,
});

export const revisionList = paged(
  'revisions',
  z.object({
    id,
    apiKeyId: id.nullable().describe('The key that made the edit'),
    keyPrefix: z.string().nullable(),
    previousTitle: z.string(),
    previousContent: z.string(),
    createdAt: timestamp,
  }),
);

export const bulkReviewAnswer = z.object({
  action: z.enum(REVIEW_ACTIONS),
  matched: count,
  changed: count,
  unchanged: count.describe('Already in the target state'),
  skipped: z.partialRecord(reviewStatus, id).describe('Articles the action cannot move, by their review status'),
});

/** `GET /api/articles/:id/export?format=json` (and each line of a many-article json export): the file's fields. */
export const exportedArticle = z.object({
  id,
  title: z.string(),
  keyword: z.string(),
  topics: z.array(z.string()),
  taskId,
  position: count,
  distillationId: id.nullable(),
  reviewStatus,
  rejectReason,
  imageUrl: z.string().nullable(),
  model: z.string().nullable(),
  createdAt: timestamp,
  updatedAt: timestamp,
  content: z.string(),
});
