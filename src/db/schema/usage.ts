import { sql } from 'drizzle-orm';
import { boolean, check, index, integer, jsonb, pgTable, text } from 'drizzle-orm/pg-core';
import { accounts } from './accounts.js';
import { createdAt } from './columns.js';

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
