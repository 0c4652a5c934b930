import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  check,
  customType,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  real,
  smallint,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import type { Scope } from '../shared/key-scopes.js';
import { NOTIFICATION_TYPES } from '../shared/events/index.js';
import type { QualityFlag, QualityScores, QualitySettings } from '../shared/quality.js';

/** `('task.started', ...)`: constants, written as literals so a partial index and its queries match. */
export const notificationTypeList = sql.raw(`(${NOTIFICATION_TYPES.map((t) => `'${t}'`).join(', ')})`);

const createdAt = () => timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow();
const updatedAt = () => timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow();
const tsz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/** An account's own limits (set by an admin); a missing field takes the config default. */
export interface AccountLimitOverrides {
  writesPerWindowPerAccount?: number;
  writesPerWindowPerKey?: number;
  maxRunningTasks?: number;
  maxArticlesPerDay?: number;
  maxPriority?: number;
  maxSchedules?: number;
}

export const accounts = pgTable(
  'accounts',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    name: text('name').notNull(),
    /**
     * The account's share of the LLM queue when accounts compete (Temporal task-queue fairness weight,
     * its plan): an account of weight 2 gets about twice the dispatches of one of weight 1.
     */
    fairnessWeight: real('fairness_weight').notNull().default(1),
    limits: jsonb('limits').$type<AccountLimitOverrides>().notNull().default({}),
    /** The account's quality gate (src/domain/quality/); null: the config defaults. */
    qualitySettings: jsonb('quality_settings').$type<Partial<QualitySettings>>(),
    createdAt: createdAt(),
  },
  (t) => [check('accounts_fairness_weight_range', sql`${t.fairnessWeight} > 0 AND ${t.fairnessWeight} <= 1000`)],
);

export const apiKeys = pgTable(
  'api_keys',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    accountId: integer('account_id').notNull().references(() => accounts.id, { onDelete: 'cascade' }),
    keyHash: text('key_hash').notNull(),
    prefix: text('prefix').notNull(),
    createdAt: createdAt(),
    revokedAt: tsz('revoked_at'),
    lastUsedAt: tsz('last_used_at'),
    /** read | write | admin | operator (src/shared/key-scopes.ts); keys from before scopes existed are write. */
    scope: text('scope').$type<Scope>().notNull().default('write'),
    name: text('name'),
    /** null: never expires. */
    expiresAt: tsz('expires_at'),
  },
  (t) => [
    uniqueIndex('api_keys_key_hash_uq').on(t.keyHash),
    index('api_keys_account_idx').on(t.accountId),
    check('api_keys_scope_valid', sql`${t.scope} IN ('read','write','admin','operator')`),
  ],
);

/**
 * Who changed what, and every refused auth attempt: never a body, a query string or a key. Refused
 * attempts carry `refusal_bucket` (key prefix, client address and second), unique, so a flood adds at
 * most one row per source per second.
 */
export const auditEvents = pgTable(
  'audit_events',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    createdAt: createdAt(),
    /** null: a refused attempt with an unknown key, or none. */
    accountId: integer('account_id'),
    keyPrefix: text('key_prefix'),
    method: text('method').notNull(),
    /** The route pattern (`/api/distillations/:id`), never the raw URL; null for a path no route serves. */
    route: text('route'),
    /** Path ids and the ids a create answered with, e.g. `{ "id": 7 }`, `{ "taskId": 12 }`. */
    targetIds: jsonb('target_ids').$type<Record<string, unknown>>().notNull().default({}),
    status: smallint('status').notNull(),
    requestId: text('request_id').notNull(),
    clientIp: text('client_ip'),
    refusalBucket: text('refusal_bucket'),
  },
  (t) => [
    index('audit_events_account_created_idx').on(t.accountId, t.createdAt),
    index('audit_events_created_idx').on(t.createdAt),
    uniqueIndex('audit_events_refusal_bucket_uq').on(t.refusalBucket),
  ],
);

export const distillations = pgTable(
  'distillations',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    accountId: integer('account_id').notNull().references(() => accounts.id, { onDelete: 'cascade' }),
    keyword: text('keyword').notNull(),
    usageCount: integer('usage_count').notNull().default(0),
    reservedCount: integer('reserved_count').notNull().default(0),
    topicCount: integer('topic_count').notNull().default(0),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    deletedAt: tsz('deleted_at'),
  },
  (t) => [
    check('distillations_usage_count_nonneg', sql`${t.usageCount} >= 0`),
    check('distillations_reserved_count_nonneg', sql`${t.reservedCount} >= 0`),
    check('distillations_topic_count_nonneg', sql`${t.topicCount} >= 0`),
    // The selection order of DESIGN.md section 4: effective usage, then age, then id.
    index('distillations_selection_idx')
      .on(t.accountId, sql`(${t.usageCount} + ${t.reservedCount})`, t.createdAt, t.id)
      .where(sql`${t.deletedAt} IS NULL AND ${t.topicCount} > 0`),
    index('distillations_account_created_idx').on(t.accountId, t.createdAt),
  ],
);

export const topics = pgTable(
  'topics',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    distillationId: integer('distillation_id').notNull().references(() => distillations.id, { onDelete: 'cascade' }),
    question: text('question').notNull(),
    position: integer('position').notNull(),
  },
  (t) => [uniqueIndex('topics_distillation_position_uq').on(t.distillationId, t.position)],
);

export const articleSettings = pgTable('article_settings', {
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  accountId: integer('account_id').notNull().references(() => accounts.id, { onDelete: 'cascade' }),
  name: text('name').notNull(),
  prompt: text('prompt').notNull(),
  createdAt: createdAt(),
  deletedAt: tsz('deleted_at'),
});

export const knowledgeBases = pgTable('knowledge_bases', {
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  accountId: integer('account_id').notNull().references(() => accounts.id, { onDelete: 'cascade' }),
  name: text('name').notNull(),
  createdAt: createdAt(),
  deletedAt: tsz('deleted_at'),
});

export const knowledgeDocuments = pgTable('knowledge_documents', {
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  knowledgeBaseId: integer('knowledge_base_id').notNull().references(() => knowledgeBases.id, { onDelete: 'cascade' }),
  title: text('title').notNull(),
  content: text('content').notNull(),
  createdAt: createdAt(),
});

export const albums = pgTable('albums', {
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  accountId: integer('account_id').notNull().references(() => accounts.id, { onDelete: 'cascade' }),
  name: text('name').notNull(),
  createdAt: createdAt(),
  deletedAt: tsz('deleted_at'),
});

export const albumImages = pgTable(
  'album_images',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    albumId: integer('album_id').notNull().references(() => albums.id, { onDelete: 'cascade' }),
    url: text('url').notNull(),
    description: text('description'),
    usageCount: integer('usage_count').notNull().default(0),
    createdAt: createdAt(),
  },
  (t) => [
    check('album_images_usage_count_nonneg', sql`${t.usageCount} >= 0`),
    index('album_images_least_used_idx').on(t.albumId, t.usageCount, t.id),
  ],
);

export const conversionTargets = pgTable('conversion_targets', {
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  accountId: integer('account_id').notNull().references(() => accounts.id, { onDelete: 'cascade' }),
  companyName: text('company_name').notNull(),
  industry: text('industry'),
  website: text('website'),
  address: text('address'),
  createdAt: createdAt(),
  deletedAt: tsz('deleted_at'),
});

export const TASK_STATUSES = ['pending', 'running', 'completed', 'failed', 'canceled', 'timeout'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];
export const TERMINAL_TASK_STATUSES: readonly TaskStatus[] = ['completed', 'failed', 'canceled', 'timeout'];

export const generationTasks = pgTable(
  'generation_tasks',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    accountId: integer('account_id').notNull().references(() => accounts.id, { onDelete: 'cascade' }),
    selectedDistillationIds: jsonb('selected_distillation_ids').$type<number[] | null>(),
    distillationId: integer('distillation_id'),
    articleSettingId: integer('article_setting_id'),
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
    check('generation_tasks_status_valid', sql`${t.status} IN ('pending','running','completed','failed','canceled','timeout')`),
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
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.taskId, t.position] }),
    check('task_items_state_valid', sql`${t.state} IN ('reserved','saved','failed','skipped','released')`),
    index('task_items_reserved_idx').on(t.distillationId).where(sql`${t.state} = 'reserved'`),
  ],
);

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
     * (artgen_search_text, a hand-written SQL function in migration 0011; README "Articles: review, search, export").
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

export const distillationUsage = pgTable(
  'distillation_usage',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    distillationId: integer('distillation_id').notNull().references(() => distillations.id, { onDelete: 'cascade' }),
    taskId: integer('task_id').notNull(),
    position: integer('position').notNull(),
    articleId: integer('article_id').notNull(),
    usedAt: tsz('used_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('distillation_usage_task_position_uq').on(t.taskId, t.position),
    index('distillation_usage_distillation_idx').on(t.distillationId),
  ],
);

export const taskEvents = pgTable(
  'task_events',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    accountId: integer('account_id').notNull().references(() => accounts.id, { onDelete: 'cascade' }),
    taskId: integer('task_id').notNull(),
    type: text('type').notNull(),
    data: jsonb('data').$type<Record<string, unknown>>().notNull().default({}),
    // The moment of the append (the transaction's last statement), not the transaction's start.
    createdAt: tsz('created_at').notNull().default(sql`clock_timestamp()`),
    readAt: tsz('read_at'),
  },
  (t) => [
    index('task_events_task_idx').on(t.taskId, t.id),
    index('task_events_account_idx').on(t.accountId, t.id),
    // Notifications (list, unread count) read only the task-level events, a few per task.
    index('task_events_notifications_idx').on(t.accountId, t.id).where(sql`${t.type} IN ${notificationTypeList}`),
    // Only the unread ones: the console's badge counts them on every page, mark-all-read finds them.
    index('task_events_unread_idx').on(t.accountId).where(sql`${t.readAt} IS NULL AND ${t.type} IN ${notificationTypeList}`),
  ],
);

/** Stored results of usage verification and repair (API, CLI or the scheduled workflow). */
export const usageReports = pgTable(
  'usage_reports',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    /** null: a report over all accounts (the scheduled run). */
    accountId: integer('account_id').references(() => accounts.id, { onDelete: 'cascade' }),
    kind: text('kind').$type<'verify' | 'repair'>().notNull(),
    dryRun: boolean('dry_run').notNull().default(false),
    source: text('source').$type<'api' | 'schedule' | 'cli' | 'console'>().notNull(),
    totals: jsonb('totals').$type<Record<string, number>>().notNull().default({}),
    discrepancies: jsonb('discrepancies').$type<unknown[]>().notNull().default([]),
    changes: jsonb('changes').$type<unknown[]>().notNull().default([]),
    createdAt: createdAt(),
  },
  (t) => [
    check('usage_reports_kind_valid', sql`${t.kind} IN ('verify','repair')`),
    index('usage_reports_account_created_idx').on(t.accountId, t.createdAt),
  ],
);

/** A recurring generation: a Temporal Schedule whose runs create tasks from `template`. */
export const generationSchedules = pgTable(
  'generation_schedules',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    accountId: integer('account_id').notNull().references(() => accounts.id, { onDelete: 'cascade' }),
    /** The Temporal Schedule id, e.g. `generation-schedule-<id>`. */
    temporalScheduleId: text('temporal_schedule_id').notNull(),
    name: text('name').notNull(),
    /** `{ cron?: string, intervalSeconds?: number, timezone: string }` */
    spec: jsonb('spec').$type<Record<string, unknown>>().notNull(),
    /** The task request each run submits: articleCount, ingredient ids, priority, concurrency... */
    template: jsonb('template').$type<Record<string, unknown>>().notNull(),
    createdAt: createdAt(),
    deletedAt: tsz('deleted_at'),
  },
  (t) => [uniqueIndex('generation_schedules_temporal_id_uq').on(t.temporalScheduleId), index('generation_schedules_account_idx').on(t.accountId)],
);

/** One run of a generation schedule: the task it created, or why it could not. */
export const scheduleRuns = pgTable(
  'schedule_runs',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    scheduleId: integer('schedule_id').notNull().references(() => generationSchedules.id, { onDelete: 'cascade' }),
    accountId: integer('account_id').notNull(),
    /** The Temporal workflow id of the run: a retried run finds its earlier result. */
    runWorkflowId: text('run_workflow_id').notNull(),
    outcome: text('outcome').$type<'created' | 'failed'>().notNull(),
    taskId: integer('task_id'),
    error: jsonb('error').$type<Record<string, unknown> | null>(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('schedule_runs_run_workflow_uq').on(t.runWorkflowId),
    index('schedule_runs_schedule_idx').on(t.scheduleId, t.createdAt),
    check('schedule_runs_outcome_valid', sql`${t.outcome} IN ('created','failed')`),
  ],
);

/**
 * Rate limits as GCRA, shared by every API process: per bucket (`account:<id>`, `key:<id>`,
 * `auth-address:<ip>`, `auth-prefix:<prefix>`) the theoretical arrival time of the next request. A
 * bucket whose tat has passed is as good as absent; expired rows are pruned now and then.
 */
export const rateLimitBuckets = pgTable(
  'rate_limit_buckets',
  {
    bucket: text('bucket').primaryKey(),
    tat: tsz('tat').notNull(),
  },
  (t) => [index('rate_limit_buckets_tat_idx').on(t.tat)],
);

/**
 * Open event streams (API SSE and console live streams), one row per stream while it is open, so the
 * per-key and per-account caps hold across API processes. The process holding a stream renews its
 * rows' expires_at; a killed process's rows expire and stop counting.
 */
export const eventStreamLeases = pgTable(
  'event_stream_leases',
  {
    id: text('id').primaryKey(),
    accountId: integer('account_id').notNull().references(() => accounts.id, { onDelete: 'cascade' }),
    keyId: integer('key_id').notNull().references(() => apiKeys.id, { onDelete: 'cascade' }),
    expiresAt: tsz('expires_at').notNull(),
  },
  (t) => [index('event_stream_leases_account_idx').on(t.accountId, t.expiresAt)],
);

/**
 * `Idempotency-Key` records (Stripe's semantics): written in the same transaction as what the request
 * created, with the first answer to replay; a key is live for 24 h.
 */
export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    accountId: integer('account_id').notNull().references(() => accounts.id, { onDelete: 'cascade' }),
    key: text('key').notNull(),
    /** sha256 of method, path and the parsed body: the same key with another request is refused. */
    fingerprint: text('fingerprint').notNull(),
    responseStatus: smallint('response_status'),
    responseBody: jsonb('response_body').$type<Record<string, unknown>>(),
    /** The task or schedule the request created, to finish its start on a replay. */
    resourceId: integer('resource_id'),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.key] }), index('idempotency_keys_created_idx').on(t.accountId, t.createdAt)],
);

/** skipped: a publication whose article was un-approved, deleted or approved again before its slot. */
export const WEBHOOK_DELIVERY_STATUSES = ['pending', 'succeeded', 'failed', 'skipped'] as const;
export type WebhookDeliveryStatus = (typeof WEBHOOK_DELIVERY_STATUSES)[number];

/** An account's webhook endpoints. Deleting one sets deleted_at, so its delivery log stays readable. */
export const webhooks = pgTable(
  'webhooks',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    accountId: integer('account_id').notNull().references(() => accounts.id, { onDelete: 'cascade' }),
    url: text('url').notNull(),
    events: text('events').array().$type<string[]>().notNull(),
    /** `whsec_` + base64 key (Standard Webhooks), sealed by the payload key ring (`sealed:v1:...`): signing needs the key itself, so it is not hashed. */
    secret: text('secret').notNull(),
    createdAt: createdAt(),
    deletedAt: tsz('deleted_at'),
  },
  (t) => [index('webhooks_account_idx').on(t.accountId).where(sql`${t.deletedAt} IS NULL`)],
);

/**
 * The outbox: one row per event and webhook, written in the transaction of the event's cause. A delivery
 * workflow (`webhook-delivery-<id>-<generation>`) sends it; `workflow_started_at` null means no workflow
 * was started yet (the sweeper's work).
 */
export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    accountId: integer('account_id').notNull().references(() => accounts.id, { onDelete: 'cascade' }),
    webhookId: integer('webhook_id').notNull().references(() => webhooks.id, { onDelete: 'cascade' }),
    /** The `webhook-id` header: the same on every attempt and redelivery, so receivers deduplicate by it. */
    messageId: text('message_id').notNull(),
    eventType: text('event_type').notNull(),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    status: text('status').$type<WebhookDeliveryStatus>().notNull().default('pending'),
    /** Bumped by a redelivery: part of the workflow id, so each generation starts exactly once. */
    generation: integer('generation').notNull().default(0),
    workflowStartedAt: tsz('workflow_started_at'),
    attemptCount: integer('attempt_count').notNull().default(0),
    lastResponseStatus: smallint('last_response_status'),
    lastError: text('last_error'),
    /** A publication's slot: its workflow waits until then (null: send at once). */
    notBefore: tsz('not_before'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    completedAt: tsz('completed_at'),
  },
  (t) => [
    uniqueIndex('webhook_deliveries_message_uq').on(t.messageId),
    index('webhook_deliveries_account_idx').on(t.accountId, t.id),
    index('webhook_deliveries_unstarted_idx').on(t.createdAt).where(sql`${t.workflowStartedAt} IS NULL`),
    check('webhook_deliveries_status_valid', sql`${t.status} IN ('pending','succeeded','failed','skipped')`),
  ],
);

/**
 * Publish on approval: each article the account approves becomes an `article.published` delivery to
 * this webhook, slotted at least `interval_seconds` after the one before. The row is also the lock that
 * orders the slots of concurrent approvals (src/domain/webhooks/publication-slots.ts).
 */
export const publishingSettings = pgTable(
  'publishing_settings',
  {
    accountId: integer('account_id').primaryKey().references(() => accounts.id, { onDelete: 'cascade' }),
    webhookId: integer('webhook_id').notNull().references(() => webhooks.id, { onDelete: 'cascade' }),
    /** The spacing of slots; 0: each approval is due at once. */
    intervalSeconds: integer('interval_seconds').notNull(),
    /** The latest slot given out; the next is at least this plus the interval. */
    lastSlotAt: tsz('last_slot_at'),
    updatedAt: updatedAt(),
  },
  (t) => [check('publishing_settings_interval_valid', sql`${t.intervalSeconds} >= 0`)],
);

/** The delivery log: every attempt with its outcome. */
export const webhookDeliveryAttempts = pgTable(
  'webhook_delivery_attempts',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    deliveryId: integer('delivery_id').notNull().references(() => webhookDeliveries.id, { onDelete: 'cascade' }),
    generation: integer('generation').notNull(),
    /** Temporal's attempt number within the generation's workflow. */
    attempt: integer('attempt').notNull(),
    status: text('status').$type<'succeeded' | 'failed'>().notNull(),
    responseStatus: smallint('response_status'),
    durationMs: integer('duration_ms').notNull(),
    error: text('error'),
    createdAt: createdAt(),
  },
  (t) => [index('webhook_delivery_attempts_delivery_idx').on(t.deliveryId, t.id)],
);

/**
 * Web console sessions: the cookie holds a random id, the table only its sha256, so a leaked table
 * opens no browser. A session acts with its key's scope; a revoked or expired key ends it.
 */
export const webSessions = pgTable(
  'web_sessions',
  {
    idHash: text('id_hash').primaryKey(),
    apiKeyId: integer('api_key_id').notNull().references(() => apiKeys.id, { onDelete: 'cascade' }),
    /** The per-session CSRF token every form posts back. */
    csrfToken: text('csrf_token').notNull(),
    createdAt: createdAt(),
    expiresAt: tsz('expires_at').notNull(),
  },
  (t) => [index('web_sessions_key_idx').on(t.apiKeyId), index('web_sessions_expires_idx').on(t.expiresAt)],
);
