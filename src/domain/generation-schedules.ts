import { randomUUID } from 'node:crypto';
import { and, count, desc, eq, isNull, sql } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.js';
import { generationSchedules, scheduleRuns } from '../db/schema.js';
import { notFound } from './errors.js';
import { assertReferencesExist } from './selection.js';
import type { TaskRequest } from './selection.js';

/** When a schedule fires: exactly one of cron and intervalSeconds; the timezone applies to cron. */
export interface ScheduleSpec {
  cron?: string;
  intervalSeconds?: number;
  timezone: string;
}

/** The task request every run submits, with the API's defaults already filled in. */
export type ScheduleTemplate = TaskRequest;

export interface GenerationSchedule {
  id: number;
  accountId: number;
  temporalScheduleId: string;
  name: string;
  spec: ScheduleSpec;
  template: ScheduleTemplate;
  createdAt: Date;
  deletedAt: Date | null;
}

export interface ScheduleRunError {
  code: string;
  message: string;
  details?: Record<string, unknown>;
}

export const RECENT_RUNS_LIMIT = 20;

export const temporalScheduleIdFor = (scheduleId: number) => `generation-schedule-${scheduleId}`;

const asSchedule = (row: typeof generationSchedules.$inferSelect): GenerationSchedule => ({
  ...row,
  spec: row.spec as unknown as ScheduleSpec,
  template: row.template as unknown as ScheduleTemplate,
});

/** The template's ingredients must exist for the account now; the same 400 as the task API. */
export const assertTemplateReferences = (db: DbOrTx, accountId: number, template: ScheduleTemplate) =>
  assertReferencesExist(db, accountId, template);

/** Inserts the schedule; its Temporal id derives from the generated id, so it is set in the same transaction. */
export async function createScheduleRow(
  db: DbOrTx,
  accountId: number,
  input: { name: string; spec: ScheduleSpec; template: ScheduleTemplate },
): Promise<GenerationSchedule> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(generationSchedules)
      .values({
        accountId,
        name: input.name,
        temporalScheduleId: `pending-${randomUUID()}`,
        spec: { ...input.spec },
        template: { ...input.template },
      })
      .returning({ id: generationSchedules.id });
    const [updated] = await tx
      .update(generationSchedules)
      .set({ temporalScheduleId: temporalScheduleIdFor(row!.id) })
      .where(eq(generationSchedules.id, row!.id))
      .returning();
    return asSchedule(updated!);
  });
}

/** Undoes createScheduleRow when its Temporal Schedule could not be created (it has no runs yet). */
export async function removeScheduleRow(db: DbOrTx, scheduleId: number) {
  await db.delete(generationSchedules).where(eq(generationSchedules.id, scheduleId));
}

const liveOf = (accountId: number) => and(eq(generationSchedules.accountId, accountId), isNull(generationSchedules.deletedAt));

/** The account's live schedule; another account's or a deleted one is a 404. */
export async function getSchedule(db: DbOrTx, accountId: number, scheduleId: number) {
  const [row] = await db
    .select()
    .from(generationSchedules)
    .where(and(liveOf(accountId), eq(generationSchedules.id, scheduleId)));
  if (!row) throw notFound('schedule', scheduleId);
  return asSchedule(row);
}

export async function listSchedules(db: DbOrTx, accountId: number, opts: { page: number; pageSize: number }) {
  const [rows, [total]] = await Promise.all([
    db
      .select()
      .from(generationSchedules)
      .where(liveOf(accountId))
      .orderBy(desc(generationSchedules.id))
      .limit(opts.pageSize)
      .offset((opts.page - 1) * opts.pageSize),
    db.select({ n: count() }).from(generationSchedules).where(liveOf(accountId)),
  ]);
  return { schedules: rows.map(asSchedule), page: opts.page, pageSize: opts.pageSize, total: total?.n ?? 0 };
}

export async function softDeleteSchedule(db: DbOrTx, accountId: number, scheduleId: number) {
  const rows = await db
    .update(generationSchedules)
    .set({ deletedAt: sql`now()` })
    .where(and(liveOf(accountId), eq(generationSchedules.id, scheduleId)))
    .returning({ id: generationSchedules.id });
  if (rows.length === 0) throw notFound('schedule', scheduleId);
}

/** A schedule for a run, whatever its account and even when deleted; undefined when the row is gone. */
export async function loadScheduleForRun(db: DbOrTx, scheduleId: number) {
  const [row] = await db.select().from(generationSchedules).where(eq(generationSchedules.id, scheduleId));
  return row ? asSchedule(row) : undefined;
}

export async function listRecentRuns(db: DbOrTx, scheduleId: number, limit = RECENT_RUNS_LIMIT) {
  return db
    .select({
      id: scheduleRuns.id,
      runWorkflowId: scheduleRuns.runWorkflowId,
      outcome: scheduleRuns.outcome,
      taskId: scheduleRuns.taskId,
      error: scheduleRuns.error,
      createdAt: scheduleRuns.createdAt,
    })
    .from(scheduleRuns)
    .where(eq(scheduleRuns.scheduleId, scheduleId))
    .orderBy(desc(scheduleRuns.createdAt), desc(scheduleRuns.id))
    .limit(limit);
}
