import type { Client } from '@temporalio/client';
import type { Db } from '../db/client.js';
import { getSchedule, listRecentRuns, RECENT_RUNS_LIMIT, softDeleteSchedule } from '../domain/schedules/generation-schedules.js';
import { deleteTemporalSchedule, describeTemporalSchedule, pauseTemporalSchedule, triggerTemporalSchedule, unpauseTemporalSchedule } from './generation-schedules.js';

/**
 * One of the account's schedules (404 when not theirs) with its Temporal state and its latest runs:
 * GET /api/schedules/:id and the console's list. `temporalState` 'missing': deleted outside the API.
 */
export async function scheduleDetail(db: Db, client: Client, accountId: number, scheduleId: number, runs = RECENT_RUNS_LIMIT) {
  const schedule = await getSchedule(db, accountId, scheduleId);
  const [state, recentRuns] = await Promise.all([describeTemporalSchedule(client, schedule.temporalScheduleId), listRecentRuns(db, schedule.id, runs)]);
  return {
    schedule,
    temporalState: state ? ('present' as const) : ('missing' as const),
    paused: state?.paused ?? null,
    note: state?.note ?? null,
    nextRunTimes: state?.nextRunTimes ?? [],
    recentRuns,
  };
}

const ACTIONS = { pause: pauseTemporalSchedule, unpause: unpauseTemporalSchedule, trigger: triggerTemporalSchedule };
export type ScheduleAction = keyof typeof ACTIONS;

/** Pauses, unpauses or runs now one of the account's schedules (404 when not theirs). */
export async function controlScheduleOfAccount(db: Db, client: Client, accountId: number, scheduleId: number, action: ScheduleAction) {
  const schedule = await getSchedule(db, accountId, scheduleId);
  await ACTIONS[action](client, schedule.temporalScheduleId);
  return schedule;
}

/** Deletes one of the account's schedules; the tasks its runs created stay. */
export async function deleteScheduleOfAccount(db: Db, client: Client, accountId: number, scheduleId: number) {
  const schedule = await getSchedule(db, accountId, scheduleId);
  // Temporal first: a row deleted while its schedule still fires would leave runs nobody can stop.
  await deleteTemporalSchedule(client, schedule.temporalScheduleId);
  await softDeleteSchedule(db, schedule.accountId, schedule.id);
}
