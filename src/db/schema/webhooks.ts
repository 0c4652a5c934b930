/** Webhooks: subscriptions, the outbox of deliveries, publish on approval and the delivery log. */
import { sql } from 'drizzle-orm';
import { bigint, check, index, integer, jsonb, pgTable, smallint, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { accounts } from './accounts.js';
import { createdAt, tsz, updatedAt } from './columns.js';

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
    // The outbox backlog (the metrics' gauges read it at every scrape): pending deliveries only.
    index('webhook_deliveries_pending_idx').on(t.createdAt).where(sql`${t.status} = 'pending'`),
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
