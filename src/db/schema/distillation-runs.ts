/** Distillation runs: keywords turned into questions by the LLM, one row per keyword and per question kept. */
import { sql } from 'drizzle-orm';
import { bigint, boolean, check, index, integer, jsonb, pgTable, primaryKey, smallint, text } from 'drizzle-orm/pg-core';
import { accounts } from './accounts.js';
import { createdAt, tsz, updatedAt } from './columns.js';
import { distillations } from './distillations.js';
import {
  DISTILLATION_KEYWORD_STATES,
  DISTILLATION_QUESTION_STATES,
  DISTILLATION_RUN_STATUSES,
  type DistillationKeywordState,
  type DistillationQuestionState,
  type DistillationRunStatus,
} from '../../shared/distillation-runs.js';

const inList = (values: readonly string[]) => sql.raw(`(${values.map((v) => `'${v}'`).join(', ')})`);

export const distillationRuns = pgTable(
  'distillation_runs',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    accountId: integer('account_id').notNull().references(() => accounts.id, { onDelete: 'cascade' }),
    status: text('status').$type<DistillationRunStatus>().notNull().default('pending'),
    questionsPerKeyword: smallint('questions_per_keyword').notNull(),
    /** A language asked for (e.g. zh, en); null: the keyword's own. */
    language: text('language'),
    /** Questions wait for a person (pending_review) instead of joining the pool at once. */
    review: boolean('review').notNull().default(false),
    keywordCount: integer('keyword_count').notNull(),
    doneCount: integer('done_count').notNull().default(0),
    failedCount: integer('failed_count').notNull().default(0),
    canceledCount: integer('canceled_count').notNull().default(0),
    errorMessage: text('error_message'),
    workflowId: text('workflow_id'),
    provider: text('provider'),
    model: text('model'),
    promptTokens: bigint('prompt_tokens', { mode: 'number' }).notNull().default(0),
    completionTokens: bigint('completion_tokens', { mode: 'number' }).notNull().default(0),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    startedAt: tsz('started_at'),
    completedAt: tsz('completed_at'),
  },
  (t) => [
    check('distillation_runs_status_valid', sql`${t.status} IN ${inList(DISTILLATION_RUN_STATUSES)}`),
    index('distillation_runs_account_created_idx').on(t.accountId, t.createdAt),
  ],
);

export const distillationRunKeywords = pgTable(
  'distillation_run_keywords',
  {
    runId: integer('run_id').notNull().references(() => distillationRuns.id, { onDelete: 'cascade' }),
    position: integer('position').notNull(),
    keyword: text('keyword').notNull(),
    state: text('state').$type<DistillationKeywordState>().notNull().default('pending'),
    error: text('error'),
    attempts: integer('attempts').notNull().default(0),
    /** The distillation its questions went to (an existing live one of the keyword, or a new one). */
    distillationId: integer('distillation_id').references(() => distillations.id, { onDelete: 'set null' }),
    /** Questions of the answer dropped as duplicates (of existing topics, or of each other). */
    duplicateCount: integer('duplicate_count').notNull().default(0),
    promptTokens: integer('prompt_tokens').notNull().default(0),
    completionTokens: integer('completion_tokens').notNull().default(0),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.runId, t.position] }),
    check('distillation_run_keywords_state_valid', sql`${t.state} IN ${inList(DISTILLATION_KEYWORD_STATES)}`),
  ],
);

export const distillationRunQuestions = pgTable(
  'distillation_run_questions',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    runId: integer('run_id').notNull().references(() => distillationRuns.id, { onDelete: 'cascade' }),
    position: integer('position').notNull(),
    question: text('question').notNull(),
    state: text('state').$type<DistillationQuestionState>().notNull(),
  },
  (t) => [
    index('distillation_run_questions_run_idx').on(t.runId, t.position, t.id),
    check('distillation_run_questions_state_valid', sql`${t.state} IN ${inList(DISTILLATION_QUESTION_STATES)}`),
  ],
);

/** A run's event log (progress, results), read by its event stream; types and payloads in src/shared/events/run-events.ts. */
export const distillationRunEvents = pgTable(
  'distillation_run_events',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    accountId: integer('account_id').notNull().references(() => accounts.id, { onDelete: 'cascade' }),
    runId: integer('run_id').notNull().references(() => distillationRuns.id, { onDelete: 'cascade' }),
    type: text('type').notNull(),
    data: jsonb('data').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: tsz('created_at').notNull().default(sql`clock_timestamp()`),
  },
  (t) => [index('distillation_run_events_run_idx').on(t.runId, t.id)],
);
