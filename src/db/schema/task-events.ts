import { sql } from 'drizzle-orm';
import { bigint, check, index, integer, jsonb, pgTable, text } from 'drizzle-orm/pg-core';
import { NOTIFICATION_TYPES } from '../../shared/events/index.js';
import { accounts } from './accounts.js';
import { distillationRuns } from './distillation-runs.js';
import { tsz } from './columns.js';

/** `('task.started', ...)`: constants, written as literals so a partial index and its queries match. */
export const notificationTypeList = sql.raw(`(${NOTIFICATION_TYPES.map((t) => `'${t}'`).join(', ')})`);

export const taskEvents = pgTable(
  'task_events',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    accountId: integer('account_id').notNull().references(() => accounts.id, { onDelete: 'cascade' }),
    // A task's event, or (notifications only) a distillation run's end: exactly one of the two is set.
    taskId: integer('task_id'),
    runId: integer('run_id').references(() => distillationRuns.id, { onDelete: 'cascade' }),
    type: text('type').notNull(),
    data: jsonb('data').$type<Record<string, unknown>>().notNull().default({}),
    // The moment of the append (the transaction's last statement), not the transaction's start.
    createdAt: tsz('created_at').notNull().default(sql`clock_timestamp()`),
    readAt: tsz('read_at'),
  },
  (t) => [
    check('task_events_task_or_run', sql`(${t.taskId} IS NULL) <> (${t.runId} IS NULL)`),
    index('task_events_task_idx').on(t.taskId, t.id),
    index('task_events_account_idx').on(t.accountId, t.id),
    // A run's deletion (its account's) finds its notification.
    index('task_events_run_idx').on(t.runId).where(sql`${t.runId} IS NOT NULL`),
    // Notifications (list, unread count) read only the task-level events, a few per task.
    index('task_events_notifications_idx').on(t.accountId, t.id).where(sql`${t.type} IN ${notificationTypeList}`),
    // Only the unread ones: the console's badge counts them on every page, mark-all-read finds them.
    index('task_events_unread_idx').on(t.accountId).where(sql`${t.readAt} IS NULL AND ${t.type} IN ${notificationTypeList}`),
  ],
);
