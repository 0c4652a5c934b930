import { eq } from 'drizzle-orm';
import { DEFAULT_LIMITS } from '../config.js';
import { generationTasks } from '../db/schema.js';
import { accountFairnessWeight } from '../domain/accounts/index.js';
import { AppError } from '../domain/errors.js';
import { loadScheduleForRun, type ScheduleRunError } from '../domain/schedules/generation-schedules.js';
import { createTaskForRun, findScheduleRun, forgetCreatedRun, recordFailedRun, type ScheduleRunResult } from '../domain/schedules/schedule-runs.js';
import { finishTask } from '../domain/tasks/task-lifecycle.js';
import { startTaskWorkflow } from '../temporal/start-task-workflow.js';
import type { MaintenanceDeps } from './maintenance.js';

export type { ScheduleRunResult } from '../domain/schedules/schedule-runs.js';

/** A request the template can no longer satisfy (too few distillations, an ingredient deleted since). */
const businessFailure = (err: unknown): ScheduleRunError | undefined =>
  err instanceof AppError && err.status < 500
    ? { code: err.code, message: err.message, ...(err.details ? { details: err.details } : {}) }
    : undefined;

/** The activity of scheduledGenerationWorkflow: one run of a generation schedule creates one task. */
export function createScheduleActivities({ db, log, client, taskQueue, limits = DEFAULT_LIMITS }: MaintenanceDeps) {
  const target = { client, taskQueue };
  const start = async (task: { id: number; accountId: number; priority: number; createdAt: Date }) =>
    startTaskWorkflow(target, { ...task, fairnessWeight: await accountFairnessWeight(db, task.accountId) });

  /** A recorded run whose task is still pending may have lost its start to a crash: start it (idempotent). */
  async function ensureStarted(run: ScheduleRunResult) {
    if (run.outcome !== 'created' || run.taskId === null) return run;
    const [task] = await db.select().from(generationTasks).where(eq(generationTasks.id, run.taskId));
    if (task?.status === 'pending') await start(task);
    return run;
  }

  return {
    async createScheduledTask({ scheduleId, runWorkflowId }: { scheduleId: number; runWorkflowId: string }): Promise<ScheduleRunResult> {
      const recorded = await findScheduleRun(db, runWorkflowId);
      if (recorded) return ensureStarted(recorded);

      const schedule = await loadScheduleForRun(db, scheduleId);
      if (!schedule) {
        // No row to attach a run record to (schedule_runs references it): report only.
        const error = { code: 'SCHEDULE_NOT_FOUND', message: `Generation schedule ${scheduleId} does not exist.` };
        log.warn({ scheduleId, runWorkflowId }, error.message);
        return { scheduleId, runWorkflowId, outcome: 'failed', taskId: null, error };
      }
      if (schedule.deletedAt) {
        const message = `Generation schedule ${scheduleId} was deleted; this run creates no task.`;
        return recordFailedRun(db, schedule, runWorkflowId, { code: 'SCHEDULE_DELETED', message });
      }

      let created: Awaited<ReturnType<typeof createTaskForRun>>;
      try {
        created = await createTaskForRun(db, schedule, runWorkflowId, limits);
      } catch (err) {
        const failure = businessFailure(err);
        if (!failure) throw err;
        log.warn({ scheduleId, runWorkflowId, code: failure.code }, 'scheduled run could not create a task');
        return recordFailedRun(db, schedule, runWorkflowId, failure);
      }
      if (created.kind === 'recorded') return ensureStarted(created.run);

      try {
        await start(created.task);
      } catch (err) {
        log.error({ err, scheduleId, taskId: created.task.id }, 'scheduled task workflow start failed; releasing the reservations');
        await finishTask(db, created.task.id, { status: 'failed', reason: `the workflow could not be started: ${(err as Error).message}` });
        await forgetCreatedRun(db, runWorkflowId, created.task.id);
        throw err;
      }
      log.info({ scheduleId, runWorkflowId, taskId: created.task.id }, 'scheduled run created a task');
      return created.run;
    },
  };
}

export type ScheduleActivities = ReturnType<typeof createScheduleActivities>;
