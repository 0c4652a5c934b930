import type { Client } from '@temporalio/client';
import type { Db } from '../db/client.js';
import { getSchedule, listRecentRuns, recentRunsOf, softDeleteSchedule, type GenerationSchedule, type ScheduleRunRow } from '../domain/schedules/index.js';
import { deleteTemporalSchedule, describeTemporalSchedule, pauseTemporalSchedule, triggerTemporalSchedule, unpauseTemporalSchedule } from './generation-schedules.js';

type TemporalState = Awaited<ReturnType<typeof describeTemporalSchedule>>;

const withState = (schedule: GenerationSchedule, state: TemporalState, recentRuns: ScheduleRunRow[]) => ({
  schedule,
  temporalState: state ? ('present' as const) : ('missing' as const),
  paused: state?.paused ?? null,
  note: state?.note ?? null,
  // A paused schedule starts nothing, whatever times its spec would give.
  nextRunTimes: state && !state.paused ? state.nextRunTimes : [],
  recentRuns,
});

/**
 * One of the account's schedules (404 when not theirs) with its Temporal state and its latest runs
 * (GET /api/schedules/:id). `temporalState` 'missing': deleted outside the API.
 */
export async function scheduleDetail(db: Db, client: Client, accountId: number, scheduleId: number) {
  const schedule = await getSchedule(db, accountId, scheduleId);
  const [state, recentRuns] = await Promise.all([describeTemporalSchedule(client, schedule.temporalScheduleId), listRecentRuns(db, schedule.id)]);
  return withState(schedule, state, recentRuns);
}

/**
 * A page of schedules with the same state as scheduleDetail and each one's latest `runs` runs (the
 * console's list). Temporal answers one describe at a time, about 11 ms each here: keep pages short.
 */
export async function schedulesWithState(db: Db, client: Client, schedules: GenerationSchedule[], runs: number) {
  const [states, runsBySchedule] = await Promise.all([
    Promise.all(schedules.map((s) => describeTemporalSchedule(client, s.temporalScheduleId))),
    recentRunsOf(db, schedules.map((s) => s.id), runs),
  ]);
  return schedules.map((s, i) => withState(s, states[i]!, runsBySchedule.get(s.id)!));
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
