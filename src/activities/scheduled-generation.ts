import { setTimeout } from 'node:timers/promises';
import { ScheduleNotFoundError, type Client } from '@temporalio/client';
import { eq } from 'drizzle-orm';
import { DEFAULT_LIMITS, type LimitDefaults } from '../config.js';
import type { Db } from '../db/client.js';
import { generationTasks } from '../db/schema.js';
import { AppError } from '../domain/errors.js';
import { loadScheduleForRun, type ScheduleRunError } from '../domain/schedules/index.js';
import { createTaskForRun, findScheduleRun, forgetCreatedRun, recordFailedRun } from '../domain/schedules/index.js';
import { finishTask } from '../domain/tasks/task-lifecycle.js';
import type { Logger } from '../logger.js';
import { ACCOUNT_ID } from '../shared/search-attributes.js';
import { scheduleRunWorkflowIdPrefix } from '../temporal/generation-schedules.js';
import { startTaskWorkflow, withStartFacts } from '../temporal/start-task-workflow.js';
import type { ScheduleActivities, ScheduleRunResult } from '../workflows/contracts.js';
import { currentWorkflowId, refuseRun, searchAttributeOf } from './untrusted-run.js';

export interface ScheduleActivityDeps {
  db: Db;
  log: Logger;
  /** Checks a run against its Temporal Schedule, and starts the task workflows runs create. */
  client: Client;
  /** The task queue of article workflows. */
  taskQueue: string;
  /** Quota defaults for the tasks schedules create; DEFAULT_LIMITS when not given. */
  limits?: LimitDefaults;
}

/** A request the template can no longer satisfy (too few distillations, an ingredient deleted since). */
const businessFailure = (err: unknown): ScheduleRunError | undefined =>
  err instanceof AppError && err.status < 500
    ? { code: err.code, message: err.message, ...(err.details ? { details: err.details } : {}) }
    : undefined;

/**
 * One run of a generation schedule creates one task: what createScheduledTask does once the run is
 * known to be the schedule's own (createScheduleActivities checks that first).
 */
export function createScheduleRuns({ db, log, client, taskQueue, limits = DEFAULT_LIMITS }: ScheduleActivityDeps) {
  const target = { client, taskQueue };
  const start = async (task: { id: number; accountId: number; priority: number; createdAt: Date }) =>
    startTaskWorkflow(target, await withStartFacts(db, task));

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

/**
 * The activity of scheduledGenerationWorkflow. Before creating anything it checks that the run is the
 * one its schedule's Temporal Schedule started, for that schedule's account: a run started by hand
 * (`temporal workflow execute --type scheduledGenerationWorkflow`), for a paused schedule or naming
 * another account, is refused for good.
 */
export function createScheduleActivities(deps: ScheduleActivityDeps): ScheduleActivities {
  const runs = createScheduleRuns(deps);
  return {
    async createScheduledTask(input: { scheduleId: number; runWorkflowId: string }): Promise<ScheduleRunResult> {
      await verifyScheduledRun(deps, input);
      return runs.createScheduledTask(input);
    },
  };
}

async function verifyScheduledRun({ db, log, client }: ScheduleActivityDeps, { scheduleId, runWorkflowId }: { scheduleId: number; runWorkflowId: string }) {
  const ids = { scheduleId, runWorkflowId };
  const workflowId = currentWorkflowId();
  if (workflowId !== runWorkflowId) refuseRun(log, `it names run ${runWorkflowId} but runs as ${workflowId}`, ids);
  const schedule = await loadScheduleForRun(db, scheduleId);
  // No such schedule, or deleted (its Temporal Schedule went first): the run reports it and creates nothing.
  if (!schedule || schedule.deletedAt) return;
  if (!runWorkflowId.startsWith(`${scheduleRunWorkflowIdPrefix(scheduleId)}-`)) {
    refuseRun(log, `its workflow id is not one generation schedule ${scheduleId} gives its runs`, ids);
  }
  const { raw } = await client.workflow.getHandle(workflowId).describe();
  const accountId = searchAttributeOf(raw.workflowExecutionInfo, ACCOUNT_ID.name);
  // Runs of schedules created before their runs carried the account have none: the Schedule's own record below decides.
  if (accountId !== undefined && Number(accountId) !== schedule.accountId) {
    refuseRun(log, `it names another account than the one generation schedule ${scheduleId} belongs to`, { ...ids, accountId, scheduleAccountId: schedule.accountId });
  }
  if (!(await startedBySchedule(client, schedule.temporalScheduleId, workflowId))) {
    refuseRun(log, `it was not started by the Temporal Schedule of generation schedule ${scheduleId}`, ids);
  }
}

/** Times the Schedule is asked before a run is refused: it records a run just after starting it. */
const SCHEDULE_RECORD_CHECKS = 5;
const SCHEDULE_RECORD_WAIT_MS = 500;

/**
 * Whether the Temporal Schedule lists this workflow among the runs it started. Its record is the proof:
 * a client can name a run like the Schedule does and even set TemporalScheduledById on it.
 */
async function startedBySchedule(client: Client, temporalScheduleId: string, workflowId: string) {
  for (let check = 1; ; check++) {
    const described = await client.schedule.getHandle(temporalScheduleId).describe().catch((err: unknown) => {
      if (err instanceof ScheduleNotFoundError) return undefined;
      throw err;
    });
    if (!described) return false;
    const { info } = described;
    const started = [...info.runningActions, ...info.recentActions.map((r) => r.action)];
    if (started.some((a) => a.workflow.workflowId === workflowId)) return true;
    if (check === SCHEDULE_RECORD_CHECKS) return false;
    await setTimeout(SCHEDULE_RECORD_WAIT_MS);
  }
}
