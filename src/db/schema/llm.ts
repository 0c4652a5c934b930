/** The LLM side of the books: one row per request made to a model (articles and distillation runs), with its cost. */
import { sql } from 'drizzle-orm';
import { bigint, check, index, integer, pgTable, text } from 'drizzle-orm/pg-core';
import { accounts } from './accounts.js';
import { createdAt, updatedAt } from './columns.js';

export const LLM_ATTEMPT_OUTCOMES = ['ok', 'refused', 'failed'] as const;
export type LlmAttemptOutcome = (typeof LLM_ATTEMPT_OUTCOMES)[number];

/**
 * Every request sent to a model: the model (registry id) it went to, how it ended and what it cost. Refused drafts and
 * failed attempts are rows too (they were paid for). Cost is exact: `cost_pico` is in 1e-12 of `currency`
 * (tokens x price in micro-units per million tokens), summed as bigint.
 */
export const llmAttempts = pgTable(
  'llm_attempts',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    accountId: integer('account_id').notNull().references(() => accounts.id, { onDelete: 'cascade' }),
    /** The task and article position; null for a distillation run's request. No foreign key: spend outlives cleanup. */
    taskId: integer('task_id'),
    position: integer('position'),
    /** The distillation run; null for an article's request. */
    runId: integer('run_id'),
    /** The activity attempt or rewrite number the request belonged to (1-based). */
    attempt: integer('attempt').notNull().default(1),
    /** The model registry id (LLM_MODELS / the models table), e.g. "offline". */
    modelId: text('model_id').notNull(),
    outcome: text('outcome').$type<LlmAttemptOutcome>().notNull(),
    /** For a failed request: the LlmError kind (http, timeout, network, invalid_response, ...) and the HTTP status. */
    errorKind: text('error_kind'),
    errorStatus: integer('error_status'),
    promptTokens: integer('prompt_tokens').notNull().default(0),
    completionTokens: integer('completion_tokens').notNull().default(0),
    costPico: bigint('cost_pico', { mode: 'bigint' }).notNull().default(sql`0`),
    currency: text('currency').notNull().default('USD'),
    durationMs: integer('duration_ms').notNull().default(0),
    createdAt: createdAt(),
  },
  (t) => [
    index('llm_attempts_task_idx').on(t.taskId, t.position),
    index('llm_attempts_account_time_idx').on(t.accountId, t.createdAt),
    check('llm_attempts_outcome_check', sql`${t.outcome} in ('ok', 'refused', 'failed')`),
    check('llm_attempts_cost_check', sql`${t.costPico} >= 0`),
  ],
);

/**
 * An account's own budget (set by admins), over the config defaults (BUDGET_DAILY, BUDGET_MONTHLY, BUDGET_CURRENCY):
 * limits in pico-units of `currency` per UTC day and per UTC month; null: no limit for that period. No row: the defaults.
 */
export const accountBudgets = pgTable(
  'account_budgets',
  {
    accountId: integer('account_id').primaryKey().references(() => accounts.id, { onDelete: 'cascade' }),
    dailyLimitPico: bigint('daily_limit_pico', { mode: 'bigint' }),
    monthlyLimitPico: bigint('monthly_limit_pico', { mode: 'bigint' }),
    currency: text('currency').notNull(),
    updatedAt: updatedAt(),
  },
  (t) => [check('account_budgets_limits_check', sql`${t.dailyLimitPico} >= 0 AND ${t.monthlyLimitPico} >= 0`)],
);
