import { randomUUID } from 'node:crypto';
import { and, asc, count, desc, eq, inArray, isNull, lte, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { generationSchedules, scheduleRuns } from '../../db/schema.js';
import { conflict, notFound } from '../errors.js';
import { assertReferencesExist } from '../tasks/selection.js';
import { resolveTaskTemplate } from '../templates/index.js';
import type { TaskRequest } from '../tasks/selection.js';

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

import type { ScheduleRunError } from '../../shared/task-shapes.js';
import { ADVISORY_LOCK } from '../../db/advisory-locks.js';

export type { ScheduleRunError };

export const RECENT_RUNS_LIMIT = 20;

/** No schedule may fire more often than this, whatever its spec's syntax (cron seconds, `@every`). */
export const MIN_INTERVAL_SECONDS = 60;

/** The shortest time between consecutive run times, in seconds; undefined with fewer than two. */
export function shortestGapSeconds(times: Date[]): number | undefined {
  const sorted = times.map((t) => t.getTime()).sort((a, b) => a - b);
  let shortest: number | undefined;
  for (let i = 1; i < sorted.length; i++) {
    const gap = (sorted[i]! - sorted[i - 1]!) / 1000;
    if (shortest === undefined || gap < shortest) shortest = gap;
  }
  return shortest;
}

const liveOf = (accountId: number) => and(eq(generationSchedules.accountId, accountId), isNull(generationSchedules.deletedAt));

/** Serializes schedule creations of one account, so the per-account limit holds under concurrency. */
const ADVISORY_SCHEDULE_CLASS = ADVISORY_LOCK.schedules;

export const temporalScheduleIdFor = (scheduleId: number) => `generation-schedule-${scheduleId}`;

const asSchedule = (row: typeof generationSchedules.$inferSelect): GenerationSchedule => ({
  ...row,
  spec: row.spec as unknown as ScheduleSpec,
  template: row.template as unknown as ScheduleTemplate,
});

/** The template's ingredients (and prompt template) must exist for the account now; the same 400 as the task API. */
export async function assertTemplateReferences(db: DbOrTx, accountId: number, template: ScheduleTemplate) {
  await assertReferencesExist(db, accountId, template);
  await resolveTaskTemplate(db, accountId, template);
}

/**
 * Inserts the schedule; its Temporal id derives from the generated id, so it is set in the same
 * transaction. An account with `maxPerAccount` live schedules gets a 409 (unset: no limit).
 */
export async function createScheduleRow(
  db: DbOrTx,
  accountId: number,
  input: { name: string; spec: ScheduleSpec; template: ScheduleTemplate },
  maxPerAccount?: number,
): Promise<GenerationSchedule> {
  return db.transaction(async (tx) => {
    if (maxPerAccount !== undefined) {
      await tx.execute(sql`SELECT pg_advisory_xact_lock(${ADVISORY_SCHEDULE_CLASS}, ${accountId})`);
      const [live] = await tx.select({ n: count() }).from(generationSchedules).where(liveOf(accountId));
      if ((live?.n ?? 0) >= maxPerAccount) {
        throw conflict('SCHEDULE_LIMIT_REACHED', `This account already has ${maxPerAccount} schedules, the most it may have; delete one first.`, {
          limit: maxPerAccount,
        });
      }
    }
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

const runColumns = {
  id: scheduleRuns.id,
  runWorkflowId: scheduleRuns.runWorkflowId,
  outcome: scheduleRuns.outcome,
  taskId: scheduleRuns.taskId,
  error: scheduleRuns.error,
  createdAt: scheduleRuns.createdAt,
};
export type ScheduleRunRow = Awaited<ReturnType<typeof listRecentRuns>>[number];

export async function listRecentRuns(db: DbOrTx, scheduleId: number, limit = RECENT_RUNS_LIMIT) {
  return db
    .select(runColumns)
    .from(scheduleRuns)
    .where(eq(scheduleRuns.scheduleId, scheduleId))
    .orderBy(desc(scheduleRuns.createdAt), desc(scheduleRuns.id))
    .limit(limit);
}

/** The latest `perSchedule` runs of each of the schedules, newest first, in one query (a list page's rows). */
export async function recentRunsOf(db: DbOrTx, scheduleIds: number[], perSchedule: number) {
  const bySchedule = new Map<number, ScheduleRunRow[]>(scheduleIds.map((id) => [id, []]));
  if (scheduleIds.length === 0) return bySchedule;
  const ranked = db
    .select({
      ...runColumns,
      scheduleId: scheduleRuns.scheduleId,
      rank: sql<number>`row_number() OVER (PARTITION BY ${scheduleRuns.scheduleId} ORDER BY ${scheduleRuns.createdAt} DESC, ${scheduleRuns.id} DESC)`.as('rank'),
    })
    .from(scheduleRuns)
    .where(inArray(scheduleRuns.scheduleId, scheduleIds))
    .as('ranked');
  const rows = await db.select().from(ranked).where(lte(ranked.rank, perSchedule)).orderBy(asc(ranked.scheduleId), asc(ranked.rank));
  for (const r of rows) {
    bySchedule.get(r.scheduleId)!.push({ id: r.id, runWorkflowId: r.runWorkflowId, outcome: r.outcome, taskId: r.taskId, error: r.error, createdAt: r.createdAt });
  }
  return bySchedule;
}
