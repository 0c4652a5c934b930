import type { Tx } from '../db/client.js';
import { accountLimits } from '../domain/limits/account-limits.js';
import { forgetIdempotencyKey, runIdempotent, type IdempotencyScope } from '../domain/limits/idempotency.js';
import { assertTemplateReferences, createScheduleRow, loadScheduleForRun, removeScheduleRow, type ScheduleSpec } from '../domain/schedules/index.js';
import { createTemporalSchedule, describeTemporalSchedule } from '../temporal/generation-schedules.js';
import type { CreateScheduleInput } from '../http/schemas/schedule-request.js';
import type { RouteDeps } from '../http/deps.js';

/** The schedule as POST /api/schedules answers it. */
export const scheduleView = (s: { id: number; name: string; temporalScheduleId: string; spec: ScheduleSpec; template: unknown; createdAt: Date | string }) => ({
  id: s.id,
  name: s.name,
  temporalScheduleId: s.temporalScheduleId,
  spec: s.spec,
  template: s.template,
  createdAt: s.createdAt,
});

/**
 * Creates a generation schedule, for the API and the console alike: the row (ingredients checked, the
 * account's maxSchedules held) in one transaction, with its Idempotency-Key when there is one; then the
 * Temporal Schedule, which refuses runs less than MIN_INTERVAL_SECONDS apart. When Temporal refuses or
 * is down the row is removed again, so nothing is kept.
 */
export function scheduleCreator({ db, temporal, defaultConcurrency, defaultTimeoutSeconds, limits }: Pick<RouteDeps, 'db' | 'temporal' | 'defaultConcurrency' | 'defaultTimeoutSeconds' | 'limits'>) {
  return async function createSchedule(accountId: number, input: CreateScheduleInput, scope?: IdempotencyScope) {
    const { concurrency, timeoutSeconds, ...rest } = input.template;
    const timeout = timeoutSeconds ?? defaultTimeoutSeconds;
    const template = { ...rest, concurrency: concurrency ?? defaultConcurrency, ...(timeout !== undefined ? { timeoutSeconds: timeout } : {}) };
    const spec: ScheduleSpec =
      input.cron !== undefined ? { cron: input.cron, timezone: input.timezone } : { intervalSeconds: input.intervalSeconds!, timezone: input.timezone };
    const create = async (tx: Tx) => {
      await assertTemplateReferences(tx, accountId, template);
      const schedule = await createScheduleRow(tx, accountId, { name: input.name, spec, template }, (await accountLimits(tx, accountId, limits)).maxSchedules);
      return { status: 201, body: { ...scheduleView(schedule), createdAt: schedule.createdAt.toISOString(), paused: input.paused }, resourceId: schedule.id };
    };
    const result = scope ? await runIdempotent(db, scope, create) : { ...(await db.transaction(create)), replayed: false };
    // A replay whose first request died before creating the Temporal Schedule creates it now.
    const schedule = await loadScheduleForRun(db, result.resourceId);
    if (schedule && !schedule.deletedAt && (!result.replayed || !(await describeTemporalSchedule(temporal.client, schedule.temporalScheduleId)))) {
      try {
        await createTemporalSchedule(temporal, schedule, input.paused);
      } catch (err) {
        await removeScheduleRow(db, schedule.id);
        if (scope) await forgetIdempotencyKey(db, scope);
        throw err;
      }
    }
    return result;
  };
}
