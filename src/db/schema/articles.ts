/** Articles and the text their edits replaced. */
import { sql } from 'drizzle-orm';
import { check, customType, index, integer, jsonb, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import type { QualityFlag, QualityScores } from '../../shared/quality.js';
import { accounts } from './accounts.js';
import { createdAt, tsz, updatedAt } from './columns.js';
import { generationTasks } from './tasks.js';

export const REVIEW_STATUSES = ['pending_review', 'approved', 'rejected'] as const;
export type ReviewStatus = (typeof REVIEW_STATUSES)[number];

const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' });

export const articles = pgTable(
  'articles',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    accountId: integer('account_id').notNull().references(() => accounts.id, { onDelete: 'cascade' }),
    taskId: integer('task_id').references(() => generationTasks.id, { onDelete: 'set null' }),
    position: integer('position').notNull(),
    distillationId: integer('distillation_id'),
    keyword: text('keyword').notNull(),
    topics: jsonb('topics').$type<string[]>().notNull(),
    title: text('title').notNull(),
    content: text('content').notNull(),
    imageUrl: text('image_url'),
    /** The prompt template and revision the article was written with; null: the built-in default prompt (or an article setting). */
    templateId: integer('template_id'),
    templateRevision: integer('template_revision'),
    reviewStatus: text('review_status').$type<ReviewStatus>().notNull(),
    rejectReason: text('reject_reason'),
    reviewedAt: tsz('reviewed_at'),
    provider: text('provider'),
    model: text('model'),
    promptTokens: integer('prompt_tokens').notNull().default(0),
    completionTokens: integer('completion_tokens').notNull().default(0),
    /** The attempt that wrote the saved draft, in ms. */
    durationMs: integer('duration_ms').notNull().default(0),
    /** Every attempt of the article (refused drafts and provider failures included), in ms; null before it was kept. */
    attemptsDurationMs: integer('attempts_duration_ms'),
    /** From the start of its first attempt to its save, in ms; null before it was kept. */
    wallDurationMs: integer('wall_duration_ms'),
    /** What the quality gate still found wrong in the saved draft; empty: the article passed. */
    qualityFlags: jsonb('quality_flags').$type<QualityFlag[]>().notNull().default([]),
    /** What the gate measured; null for articles from before the gate. */
    qualityScores: jsonb('quality_scores').$type<QualityScores>(),
    /**
     * The 64-bit SimHash of the content as its four 16-bit bands, each tagged with its band number
     * (band << 16 | value): a near duplicate (Hamming distance <= 3) shares at least one band.
     */
    simhashBands: integer('simhash_bands').array(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    /** Soft delete: the row, its usage row and the distillation's usage_count stay (it was written). */
    deletedAt: tsz('deleted_at'),
    /**
     * Full-text search over title and content: English words stemmed, CJK runs as overlapping bigrams
     * (artgen_search_text, a hand-written SQL function in migration 0011; docs/api.md "Articles: review, search, export").
     */
    searchVector: tsvector('search_vector')
      .notNull()
      .generatedAlwaysAs(sql`to_tsvector('english'::regconfig, artgen_search_text(title, content))`),
  },
  (t) => [
    uniqueIndex('articles_task_position_uq').on(t.taskId, t.position),
    // fastupdate off: a pending list (up to 4 MB, flushed only by vacuum) is scanned in full by every lookup.
    index('articles_simhash_bands_idx').using('gin', t.simhashBands).with({ fastupdate: false }),
    index('articles_account_created_idx').on(t.accountId, t.createdAt),
    // Lists, exports and the review queue read live rows of one account newest first (keyset on id).
    index('articles_account_live_idx').on(t.accountId, t.id).where(sql`${t.deletedAt} IS NULL`),
    index('articles_account_review_idx').on(t.accountId, t.reviewStatus, t.id).where(sql`${t.deletedAt} IS NULL`),
    index('articles_search_idx').using('gin', t.searchVector),
    check('articles_review_status_valid', sql`${t.reviewStatus} IN ('pending_review','approved','rejected')`),
    check('articles_reject_reason', sql`(${t.reviewStatus} = 'rejected') = (${t.rejectReason} IS NOT NULL)`),
  ],
);

/** The text an edit replaced: who changed it (the API key), when, and the title and content before. */
export const articleRevisions = pgTable(
  'article_revisions',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    articleId: integer('article_id').notNull().references(() => articles.id, { onDelete: 'cascade' }),
    accountId: integer('account_id').notNull().references(() => accounts.id, { onDelete: 'cascade' }),
    apiKeyId: integer('api_key_id'),
    keyPrefix: text('key_prefix'),
    previousTitle: text('previous_title').notNull(),
    previousContent: text('previous_content').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('article_revisions_article_idx').on(t.articleId, t.id)],
);
