import { randomUUID } from 'node:crypto';
import { ScheduleAlreadyRunning, ScheduleNotFoundError, ScheduleOverlapPolicy, type Client, type ScheduleHandle, type ScheduleSpec as TemporalScheduleSpec } from '@temporalio/client';
import { AppError, badRequest } from '../domain/errors.js';
import { MIN_INTERVAL_SECONDS, shortestGapSeconds, type GenerationSchedule, type ScheduleSpec } from '../domain/schedules/index.js';
import { ACCOUNT_ID } from '../shared/search-attributes.js';
import { WORKFLOW_TYPES, type ScheduledGenerationWorkflow } from '../workflows/contracts.js';
import type { WorkflowStartTarget } from './start-task-workflow.js';

/** How many upcoming run times GET /api/schedules/:id shows. */
export const NEXT_RUN_TIMES = 5;

/** The workflow id of a run; Temporal appends the scheduled time, e.g. `...-run-2025-01-01T09:00:00Z`. */
export const scheduleRunWorkflowIdPrefix = (scheduleId: number) => `generation-schedule-${scheduleId}-run`;

export function toTemporalSpec(spec: ScheduleSpec): TemporalScheduleSpec {
  return spec.cron !== undefined
    ? { cronExpressions: [spec.cron], timezone: spec.timezone }
    : { intervals: [{ every: `${spec.intervalSeconds}s` }], timezone: spec.timezone };
}

const unavailable = (what: string, temporalScheduleId: string, err: unknown) =>
  new AppError(503, 'TEMPORAL_UNAVAILABLE', `Temporal could not ${what} the schedule ${temporalScheduleId}: ${(err as Error).message}. Try again shortly.`, {
    temporalScheduleId,
  });

const missing = (temporalScheduleId: string) =>
  new AppError(409, 'SCHEDULE_MISSING_IN_TEMPORAL', `The Temporal Schedule ${temporalScheduleId} no longer exists (deleted outside the API?). Delete this schedule and create it again.`, {
    temporalScheduleId,
  });

/** Temporal's known spec errors, by what a reader must fix; the console words each (src/web/refusal-text.ts). */
const SPEC_REASONS: [RegExp, string][] = [
  [/does not have 5-7 fields/i, 'cron_fields'],
  [/time ?zone|location/i, 'time_zone'],
  [/range|value|step|parse|invalid/i, 'cron_value'],
];

/** Why Temporal refused a spec, as a code: `cron_fields`, `cron_value`, `time_zone`, else `other`. */
export const specRejectionReason = (message: string) => SPEC_REASONS.find(([re]) => re.test(message))?.[1] ?? 'other';

// The client turns a spec the server rejects (a bad cron or time zone) into a TypeError.
const specRejected = (err: TypeError) =>
  badRequest('INVALID_SCHEDULE_SPEC', `Temporal rejected the schedule: ${err.message}`, { reason: specRejectionReason(err.message) });

const tooFrequent = (shortestGapSeconds: number, nextRunTimes: Date[]) =>
  badRequest(
    'SCHEDULE_TOO_FREQUENT',
    `This schedule would run ${shortestGapSeconds} s apart; runs must be at least ${MIN_INTERVAL_SECONDS} seconds apart. Use a 5-field cron (minute precision), or intervalSeconds >= ${MIN_INTERVAL_SECONDS}.`,
    { minIntervalSeconds: MIN_INTERVAL_SECONDS, shortestGapSeconds, nextRunTimes },
  );

/**
 * Creates the Temporal Schedule whose runs start scheduledGenerationWorkflow for this schedule. It is
 * created paused and unpaused only once the run times Temporal computed are at least
 * MIN_INTERVAL_SECONDS apart: a cron with seconds or an `@every 1s` never fires even once.
 */
export async function createTemporalSchedule({ client, taskQueue }: WorkflowStartTarget, schedule: GenerationSchedule, paused: boolean) {
  let handle: ScheduleHandle;
  try {
    handle = await client.schedule.create<ScheduledGenerationWorkflow>({
      scheduleId: schedule.temporalScheduleId,
      spec: toTemporalSpec(schedule.spec),
      action: {
        type: 'startWorkflow',
        workflowType: WORKFLOW_TYPES.scheduledGeneration,
        args: [{ scheduleId: schedule.id }],
        taskQueue,
        workflowId: scheduleRunWorkflowIdPrefix(schedule.id),
        typedSearchAttributes: [{ key: ACCOUNT_ID, value: schedule.accountId }],
      },
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 minute' },
      state: { paused: true, note: paused ? 'paused at creation' : 'checking the interval' },
      memo: { accountId: schedule.accountId, name: schedule.name },
    });
  } catch (err) {
    if (err instanceof TypeError) throw specRejected(err);
    if (err instanceof ScheduleAlreadyRunning) {
      throw new AppError(409, 'SCHEDULE_ALREADY_EXISTS', `A Temporal Schedule ${schedule.temporalScheduleId} already exists (left from another database?); delete it in Temporal first.`);
    }
    throw unavailable('create', schedule.temporalScheduleId, err);
  }
  try {
    const nextRunTimes = (await handle.describe()).info.nextActionTimes;
    const gap = shortestGapSeconds(nextRunTimes);
    if (gap !== undefined && gap < MIN_INTERVAL_SECONDS) {
      await handle.delete();
      throw tooFrequent(gap, nextRunTimes);
    }
    if (!paused) await handle.unpause('created through the API');
  } catch (err) {
    if (err instanceof AppError) throw err;
    await handle.delete().catch(() => undefined);
    throw unavailable('create', schedule.temporalScheduleId, err);
  }
}

/**
 * The next run times of a spec as Temporal computes them, with the same refusal as creation
 * (SCHEDULE_TOO_FREQUENT, INVALID_SCHEDULE_SPEC), keeping nothing: a paused Schedule of its own, described
 * and deleted. Temporal has no call that evaluates a spec without a Schedule, and a second cron parser
 * of ours would disagree with it on the edges (seconds fields, `@every`, time zones).
 */
export async function previewTemporalSpec({ client, taskQueue }: WorkflowStartTarget, spec: ScheduleSpec): Promise<Date[]> {
  const scheduleId = `generation-schedule-preview-${randomUUID()}`;
  let handle: ScheduleHandle;
  try {
    handle = await client.schedule.create<ScheduledGenerationWorkflow>({
      scheduleId,
      spec: toTemporalSpec(spec),
      action: { type: 'startWorkflow', workflowType: WORKFLOW_TYPES.scheduledGeneration, args: [{ scheduleId: 0 }], taskQueue, workflowId: scheduleId },
      state: { paused: true, note: 'a preview of the run times; never runs' },
    });
  } catch (err) {
    if (err instanceof TypeError) throw specRejected(err);
    throw unavailable('preview', scheduleId, err);
  }
  try {
    const nextRunTimes = (await handle.describe()).info.nextActionTimes;
    const gap = shortestGapSeconds(nextRunTimes);
    if (gap !== undefined && gap < MIN_INTERVAL_SECONDS) throw tooFrequent(gap, nextRunTimes);
    return nextRunTimes.slice(0, NEXT_RUN_TIMES);
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw unavailable('preview', scheduleId, err);
  } finally {
    await handle.delete().catch(() => undefined);
  }
}

/** Paused state and the next run times; null when the Temporal Schedule is gone. */
export async function describeTemporalSchedule(client: Client, temporalScheduleId: string) {
  try {
    const d = await client.schedule.getHandle(temporalScheduleId).describe();
    return { paused: d.state.paused, note: d.state.note ?? null, nextRunTimes: d.info.nextActionTimes.slice(0, NEXT_RUN_TIMES) };
  } catch (err) {
    if (err instanceof ScheduleNotFoundError) return null;
    throw unavailable('describe', temporalScheduleId, err);
  }
}

async function onHandle(client: Client, temporalScheduleId: string, what: string, fn: (h: ScheduleHandle) => Promise<void>) {
  try {
    await fn(client.schedule.getHandle(temporalScheduleId));
  } catch (err) {
    if (err instanceof ScheduleNotFoundError) throw missing(temporalScheduleId);
    throw unavailable(what, temporalScheduleId, err);
  }
}

export const pauseTemporalSchedule = (client: Client, id: string) => onHandle(client, id, 'pause', (h) => h.pause('paused through the API'));
export const unpauseTemporalSchedule = (client: Client, id: string) => onHandle(client, id, 'unpause', (h) => h.unpause('unpaused through the API'));
/** A manual run now, whatever the pause state; it does not wait for a run in progress (overlap ALLOW_ALL). */
export const triggerTemporalSchedule = (client: Client, id: string) => onHandle(client, id, 'trigger', (h) => h.trigger());

/** Deletes the Temporal Schedule; one already gone is fine (a retried DELETE). */
export async function deleteTemporalSchedule(client: Client, temporalScheduleId: string) {
  try {
    await client.schedule.getHandle(temporalScheduleId).delete();
  } catch (err) {
    if (err instanceof ScheduleNotFoundError) return;
    throw unavailable('delete', temporalScheduleId, err);
  }
}
