import { bigint, index, integer, jsonb, pgTable, smallint, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { createdAt } from './columns.js';

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
