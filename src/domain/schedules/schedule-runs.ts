import { and, eq } from 'drizzle-orm';
import type { Db, DbOrTx } from '../../db/client.js';
import { scheduleRuns } from '../../db/schema.js';
import type { GenerationSchedule, ScheduleRunError } from './generation-schedules.js';
import type { LimitDefaults } from '../../config.js';
import { accountLimits } from '../limits/account-limits.js';
import { createTaskWithinQuota } from '../limits/quotas.js';

import type { ScheduleRunResult } from '../../shared/task-shapes.js';

export type { ScheduleRunResult };

const asResult = (row: typeof scheduleRuns.$inferSelect): ScheduleRunResult => ({
  scheduleId: row.scheduleId,
  runWorkflowId: row.runWorkflowId,
  outcome: row.outcome,
  taskId: row.taskId,
  error: (row.error as ScheduleRunError | null) ?? null,
});

export async function findScheduleRun(db: DbOrTx, runWorkflowId: string) {
  const [row] = await db.select().from(scheduleRuns).where(eq(scheduleRuns.runWorkflowId, runWorkflowId));
  return row ? asResult(row) : undefined;
}

/** Records a run that could not create a task; a run already recorded keeps its first outcome. */
export async function recordFailedRun(db: Db, schedule: GenerationSchedule, runWorkflowId: string, error: ScheduleRunError) {
  await db
    .insert(scheduleRuns)
    .values({ scheduleId: schedule.id, accountId: schedule.accountId, runWorkflowId, outcome: 'failed', error: { ...error } })
    .onConflictDoNothing({ target: scheduleRuns.runWorkflowId });
  return (await findScheduleRun(db, runWorkflowId))!;
}

class RunAlreadyRecorded extends Error {}

/**
 * Creates the run's task with the API's selection and records the run, in one transaction: a crash
 * leaves either both or neither, and an attempt racing an earlier one of the same run rolls its task back.
 */
export async function createTaskForRun(db: Db, schedule: GenerationSchedule, runWorkflowId: string, defaults: LimitDefaults) {
  try {
    return await db.transaction(async (tx) => {
      // drizzle nests db.transaction() inside a transaction as a savepoint, so the selection joins this one.
      // The account's quotas apply as to the API: a run over the day's articles is a failed run.
      const limits = await accountLimits(tx, schedule.accountId, defaults);
      const { task } = await createTaskWithinQuota(tx, schedule.accountId, schedule.template, limits, defaults);
      const [run] = await tx
        .insert(scheduleRuns)
        .values({ scheduleId: schedule.id, accountId: schedule.accountId, runWorkflowId, outcome: 'created', taskId: task.id })
        .onConflictDoNothing({ target: scheduleRuns.runWorkflowId })
        .returning();
      if (!run) throw new RunAlreadyRecorded();
      return { kind: 'created' as const, task, run: asResult(run) };
    });
  } catch (err) {
    if (!(err instanceof RunAlreadyRecorded)) throw err;
    return { kind: 'recorded' as const, run: (await findScheduleRun(db, runWorkflowId))! };
  }
}

/** Forgets a created run whose workflow could not start (its task is already failed), so a retry starts over. */
export async function forgetCreatedRun(db: DbOrTx, runWorkflowId: string, taskId: number) {
  await db
    .delete(scheduleRuns)
    .where(and(eq(scheduleRuns.runWorkflowId, runWorkflowId), eq(scheduleRuns.taskId, taskId)));
}
