/** Shared limits: rate-limit buckets, open event streams and Idempotency-Key records. */
import { index, integer, jsonb, pgTable, primaryKey, smallint, text } from 'drizzle-orm/pg-core';
import { accounts, apiKeys } from './accounts.js';
import { createdAt, tsz } from './columns.js';

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
