/**
 * The router's shared state (src/llm/models/router.ts): every worker process reads and writes these rows, so a
 * model's health and its limits hold across processes, not per process.
 */
import { sql } from 'drizzle-orm';
import { bigint, check, index, integer, pgTable, text } from 'drizzle-orm/pg-core';
import { tsz, updatedAt } from './columns.js';

export const MODEL_BREAKER_STATES = ['closed', 'open', 'half_open'] as const;
export type ModelBreakerState = (typeof MODEL_BREAKER_STATES)[number];

/**
 * A model's circuit breaker: closed (used), open (failing: skipped until `open_until`), half-open (the cool-down
 * passed and one trial request, held until `trial_until`, decides). `failures` counts retryable failures in a row;
 * `retry_after_until` holds a provider's Retry-After for every worker. No row: closed, never failed.
 */
export const llmModelHealth = pgTable(
  'llm_model_health',
  {
    modelId: text('model_id').primaryKey(),
    state: text('state').$type<ModelBreakerState>().notNull().default('closed'),
    failures: integer('failures').notNull().default(0),
    openUntil: tsz('open_until'),
    trialUntil: tsz('trial_until'),
    retryAfterUntil: tsz('retry_after_until'),
    updatedAt: updatedAt(),
  },
  (t) => [check('llm_model_health_state_check', sql`${t.state} in ('closed', 'open', 'half_open')`)],
);

/**
 * One row per request the router let through to a model: a lease while it is in flight (`released_at` null and
 * `lease_expires_at` ahead: a killed worker's slot comes back when its lease expires) and, for a minute after
 * `sent_at`, a count in the model's requests- and tokens-per-minute windows. Rows older than the window and no
 * longer leased are deleted as new requests are admitted.
 */
export const llmModelRequests = pgTable(
  'llm_model_requests',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    modelId: text('model_id').notNull(),
    sentAt: tsz('sent_at').notNull().defaultNow(),
    leaseExpiresAt: tsz('lease_expires_at').notNull(),
    releasedAt: tsz('released_at'),
    /** Tokens counted before the call (prompt + expected completion), then the provider's usage once answered. */
    tokens: integer('tokens').notNull().default(0),
  },
  (t) => [index('llm_model_requests_model_time_idx').on(t.modelId, t.sentAt)],
);
