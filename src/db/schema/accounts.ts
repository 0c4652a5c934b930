/** Accounts, their API keys and the console sessions that act with a key. */
import { sql } from 'drizzle-orm';
import { check, index, integer, jsonb, pgTable, real, text, uniqueIndex } from 'drizzle-orm/pg-core';
import type { Scope } from '../../shared/key-scopes.js';
import type { QualitySettings } from '../../shared/quality.js';
import { createdAt, tsz } from './columns.js';

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
    /** The notification types the account is shown (src/domain/tasks/notification-settings.ts); null: the defaults. */
    notificationTypes: text('notification_types').array(),
    /** The prompt template a task uses when it names none (prompt_templates.id); null: the built-in default prompt. */
    defaultTemplateId: integer('default_template_id'),
    /** The model (llm_models.id) the account's articles use when a task and its template name none; null: the registry default. */
    defaultModelId: text('default_model_id'),
    /** The models the account may name (set by an admin); null: every model. */
    allowedModelIds: text('allowed_model_ids').array(),
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
