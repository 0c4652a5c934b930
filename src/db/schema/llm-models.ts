/** The model registry: LLM_MODELS' entries (upserted at start) and the models admins add through the API or the console. */
import { sql } from 'drizzle-orm';
import { bigint, boolean, check, integer, pgTable, text } from 'drizzle-orm/pg-core';
import { createdAt, updatedAt } from './columns.js';

export const MODEL_SOURCES = ['config', 'admin'] as const;
export type ModelSource = (typeof MODEL_SOURCES)[number];

/**
 * One model (src/llm/models/spec.ts ModelSpec). `source` config: from LLM_MODELS or the old LLM_* variables, rewritten at
 * every start and read-only through the API; admin: created and edited by admins. A key is an environment variable's
 * name or sealed at rest with the payload key ring (`api_key_sealed`), never shown back.
 */
export const llmModels = pgTable(
  'llm_models',
  {
    id: text('id').primaryKey(),
    displayName: text('display_name').notNull(),
    /** null: the offline generator. */
    baseUrl: text('base_url'),
    model: text('model').notNull(),
    apiKeyEnv: text('api_key_env'),
    apiKeySealed: text('api_key_sealed'),
    promptPriceMicros: bigint('prompt_price_micros', { mode: 'number' }).notNull().default(0),
    completionPriceMicros: bigint('completion_price_micros', { mode: 'number' }).notNull().default(0),
    currency: text('currency').notNull().default('USD'),
    contextWindow: integer('context_window'),
    maxConcurrency: integer('max_concurrency'),
    requestsPerMinute: integer('requests_per_minute'),
    tokensPerMinute: integer('tokens_per_minute'),
    timeoutMs: integer('timeout_ms').notNull(),
    streaming: boolean('streaming').notNull().default(false),
    source: text('source').$type<ModelSource>().notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    check('llm_models_source_check', sql`${t.source} in ('config', 'admin')`),
    check('llm_models_prices_check', sql`${t.promptPriceMicros} >= 0 AND ${t.completionPriceMicros} >= 0`),
    check('llm_models_one_key_check', sql`${t.apiKeyEnv} IS NULL OR ${t.apiKeySealed} IS NULL`),
  ],
);
