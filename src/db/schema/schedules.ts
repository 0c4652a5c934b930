import { sql } from 'drizzle-orm';
import { check, index, integer, jsonb, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { accounts } from './accounts.js';
import { createdAt, tsz } from './columns.js';

/** A recurring generation: a Temporal Schedule whose runs create tasks from `template`. */
export const generationSchedules = pgTable(
  'generation_schedules',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    accountId: integer('account_id').notNull().references(() => accounts.id, { onDelete: 'cascade' }),
    /** The Temporal Schedule id, e.g. `generation-schedule-<id>`. */
    temporalScheduleId: text('temporal_schedule_id').notNull(),
    name: text('name').notNull(),
    /** `{ cron?: string, intervalSeconds?: number, timezone: string }` */
    spec: jsonb('spec').$type<Record<string, unknown>>().notNull(),
    /** The task request each run submits: articleCount, ingredient ids, priority, concurrency... */
    template: jsonb('template').$type<Record<string, unknown>>().notNull(),
    createdAt: createdAt(),
    deletedAt: tsz('deleted_at'),
  },
  (t) => [uniqueIndex('generation_schedules_temporal_id_uq').on(t.temporalScheduleId), index('generation_schedules_account_idx').on(t.accountId)],
);

/** One run of a generation schedule: the task it created, or why it could not. */
export const scheduleRuns = pgTable(
  'schedule_runs',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    scheduleId: integer('schedule_id').notNull().references(() => generationSchedules.id, { onDelete: 'cascade' }),
    accountId: integer('account_id').notNull(),
    /** The Temporal workflow id of the run: a retried run finds its earlier result. */
    runWorkflowId: text('run_workflow_id').notNull(),
    outcome: text('outcome').$type<'created' | 'failed'>().notNull(),
    taskId: integer('task_id'),
    error: jsonb('error').$type<Record<string, unknown> | null>(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('schedule_runs_run_workflow_uq').on(t.runWorkflowId),
    index('schedule_runs_schedule_idx').on(t.scheduleId, t.createdAt),
    check('schedule_runs_outcome_valid', sql`${t.outcome} IN ('created','failed')`),
  ],
);
