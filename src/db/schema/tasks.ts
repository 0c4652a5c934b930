/** Generation tasks and their items, the unit of work and of idempotency. */
import { sql } from 'drizzle-orm';
import { bigint, boolean, check, index, integer, jsonb, pgTable, primaryKey, smallint, text } from 'drizzle-orm/pg-core';
import { accounts } from './accounts.js';
import { createdAt, tsz, updatedAt } from './columns.js';
import type { TaskStatus } from '../../shared/task-statuses.js';

export { TASK_STATUSES, TERMINAL_TASK_STATUSES, UNFINISHED_TASK_STATUSES, type TaskStatus } from '../../shared/task-statuses.js';

export const generationTasks = pgTable(
  'generation_tasks',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    accountId: integer('account_id').notNull().references(() => accounts.id, { onDelete: 'cascade' }),
    selectedDistillationIds: jsonb('selected_distillation_ids').$type<number[] | null>(),
    distillationId: integer('distillation_id'),
    articleSettingId: integer('article_setting_id'),
    /** The prompt template and the revision of it pinned when the task was created; null: the built-in default. */
    templateId: integer('template_id'),
    templateRevision: integer('template_revision'),
    /** The route its articles are written on (llm_models ids, failing over in order); null: its template's, else the account's. */
    modelRoute: text('model_route').array(),
    knowledgeBaseId: integer('knowledge_base_id'),
    albumId: integer('album_id'),
    conversionTargetId: integer('conversion_target_id'),
    requestedCount: integer('requested_count').notNull(),
    generatedCount: integer('generated_count').notNull().default(0),
    failedCount: integer('failed_count').notNull().default(0),
    skippedCount: integer('skipped_count').notNull().default(0),
    /** Saved articles that still failed the quality gate on their last attempt (a subset of generated_count). */
    flaggedCount: integer('flagged_count').notNull().default(0),
    progress: smallint('progress').notNull().default(0),
    status: text('status').$type<TaskStatus>().notNull().default('pending'),
    priority: smallint('priority').notNull().default(5),
    concurrency: smallint('concurrency').notNull().default(5),
    autoApprove: boolean('auto_approve').notNull().default(true),
    timeoutSeconds: integer('timeout_seconds'),
    timeoutAt: tsz('timeout_at'),
    retryCount: integer('retry_count').notNull().default(0),
    maxRetries: integer('max_retries').notNull().default(3),
    errorMessage: text('error_message'),
    /** Why a paused task waits (its account's budget is spent); null unless status is paused. */
    pauseReason: text('pause_reason'),
    workflowId: text('workflow_id'),
    provider: text('provider'),
    model: text('model'),
    promptTokens: bigint('prompt_tokens', { mode: 'number' }).notNull().default(0),
    completionTokens: bigint('completion_tokens', { mode: 'number' }).notNull().default(0),
    submittedAt: tsz('submitted_at').notNull().defaultNow(),
    startedAt: tsz('started_at'),
    completedAt: tsz('completed_at'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    check('generation_tasks_status_valid', sql`${t.status} IN ('pending','running','paused','completed','failed','canceled','timeout')`),
    check('generation_tasks_requested_count_range', sql`${t.requestedCount} BETWEEN 1 AND 100`),
    check('generation_tasks_priority_range', sql`${t.priority} BETWEEN 1 AND 10`),
    check('generation_tasks_concurrency_range', sql`${t.concurrency} BETWEEN 1 AND 20`),
    check('generation_tasks_progress_range', sql`${t.progress} BETWEEN 0 AND 100`),
    check(
      'generation_tasks_counts_nonneg',
      sql`${t.generatedCount} >= 0 AND ${t.failedCount} >= 0 AND ${t.skippedCount} >= 0`,
    ),
    index('generation_tasks_account_created_idx').on(t.accountId, t.createdAt),
    // The task list filtered by status, newest first, a page at a time (also serves counts by status).
    index('generation_tasks_account_status_created_idx').on(t.accountId, t.status, t.createdAt, t.id),
    // Unfinished tasks across accounts (the metrics' backlog gauges, resuming at start): a few rows, however many
    // tasks ended. On status alone, so the saves' updates of updated_at stay HOT.
    index('generation_tasks_unfinished_idx').on(t.status).where(sql`${t.status} IN ('pending', 'running', 'paused')`),
  ],
);

export const ITEM_STATES = ['reserved', 'saved', 'failed', 'skipped', 'released'] as const;
export type ItemState = (typeof ITEM_STATES)[number];

export const taskItems = pgTable(
  'task_items',
  {
    taskId: integer('task_id').notNull().references(() => generationTasks.id, { onDelete: 'cascade' }),
    position: integer('position').notNull(),
    distillationId: integer('distillation_id').notNull(),
    state: text('state').$type<ItemState>().notNull().default('reserved'),
    attempts: integer('attempts').notNull().default(0),
    error: text('error'),
    articleId: integer('article_id'),
    /** When its first attempt started: an article's wall time runs from here to its save. */
    firstAttemptAt: tsz('first_attempt_at'),
    /** Time spent in its attempts that wrote no saved draft (refused drafts, provider failures), in ms. */
    attemptsDurationMs: integer('attempts_duration_ms').notNull().default(0),
    /**
     * The album image the article takes, reserved when the item is first loaded for generation (no foreign key:
     * an image removed since is noticed by the next load, which reserves another); kept across retries and rewrites.
     */
    imageId: integer('image_id'),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.taskId, t.position] }),
    check('task_items_state_valid', sql`${t.state} IN ('reserved','saved','failed','skipped','released')`),
    index('task_items_reserved_idx').on(t.distillationId).where(sql`${t.state} = 'reserved'`),
    // The images reserved by unsaved items: counted when the next image of an album is picked.
    index('task_items_reserved_image_idx').on(t.imageId).where(sql`${t.state} = 'reserved' AND ${t.imageId} IS NOT NULL`),
  ],
);
