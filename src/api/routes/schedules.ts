import { Hono } from 'hono';
import { z } from 'zod';
import {
  assertTemplateReferences,
  createScheduleRow,
  getSchedule,
  listRecentRuns,
  listSchedules,
  loadScheduleForRun,
  MIN_INTERVAL_SECONDS,
  removeScheduleRow,
  softDeleteSchedule,
  type GenerationSchedule,
  type ScheduleSpec,
} from '../../domain/schedules/generation-schedules.js';
import {
  createTemporalSchedule,
  deleteTemporalSchedule,
  describeTemporalSchedule,
  pauseTemporalSchedule,
  triggerTemporalSchedule,
  unpauseTemporalSchedule,
} from '../../temporal/generation-schedules.js';
import { forgetIdempotencyKey, runIdempotent } from '../../domain/limits/idempotency.js';
import type { Tx } from '../../db/client.js';
import { IDEMPOTENCY_KEY_PARAMETER, idempotencyScope, respondRecorded } from '../idempotency-key.js';
import { taskRequestSchema } from '../schemas/task-request.js';
import type { ApiEnv, RouteDeps } from '../types.js';
import { accountLimits } from '../../domain/limits/account-limits.js';
import { pagination, parseIdParam, parseJsonBody, parseQuery } from '../validation.js';
import type { ApiOperation } from '../openapi.js';
import { id, jsonObject, paged, timestamp } from '../schemas/common.js';

const MAX_INTERVAL_SECONDS = 366 * 24 * 3600;

/** The IANA name as Intl spells it (e.g. `utc` -> `UTC`), or undefined when Intl does not know it. */
function canonicalTimeZone(tz: string) {
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: tz }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

/** The task request of every run: the same fields and limits as POST /api/article-generation/tasks. */
const templateInput = taskRequestSchema;

const createScheduleInput = z
  .object({
    name: z.string({ message: 'name is required' }).trim().min(1, 'name must not be empty').max(200, 'name must be at most 200 characters'),
    cron: z.string().trim().min(1, 'cron must not be empty').max(200, 'cron must be at most 200 characters').optional(),
    intervalSeconds: z
      .number()
      .int('intervalSeconds must be a whole number')
      .min(MIN_INTERVAL_SECONDS, `intervalSeconds must be at least ${MIN_INTERVAL_SECONDS}`)
      .max(MAX_INTERVAL_SECONDS, `intervalSeconds must be at most ${MAX_INTERVAL_SECONDS} (366 days)`)
      .optional(),
    timezone: z
      .string()
      .default('UTC')
      .transform((tz, ctx) => {
        const canonical = canonicalTimeZone(tz);
        if (canonical) return canonical;
        ctx.addIssue({ code: 'custom', message: `timezone '${tz}' is not an IANA time zone name such as UTC or Asia/Shanghai` });
        return z.NEVER;
      }),
    paused: z.boolean().default(false),
    template: templateInput,
  })
  .superRefine((v, ctx) => {
    if (v.cron !== undefined && v.intervalSeconds !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['cron'], message: 'give either cron or intervalSeconds, not both' });
    } else if (v.cron === undefined && v.intervalSeconds === undefined) {
      ctx.addIssue({ code: 'custom', path: ['cron'], message: `one of cron (e.g. "0 9 * * *") or intervalSeconds (>= ${MIN_INTERVAL_SECONDS}) is required` });
    }
  })
  .meta({ oneOf: [{ required: ['cron'] }, { required: ['intervalSeconds'] }] });

const scheduleView = z.object({
  id,
  name: z.string(),
  temporalScheduleId: z.string(),
  spec: z.xor([z.object({ cron: z.string(), timezone: z.string() }), z.object({ intervalSeconds: id, timezone: z.string() })]),
  template: templateInput.describe('The task request of every run, with the defaults filled in'),
  createdAt: timestamp,
});
const scheduleDetail = scheduleView.extend({
  temporalState: z.enum(['present', 'missing']).describe("'missing': the Temporal Schedule was deleted outside the API"),
  paused: z.boolean().nullable(),
  note: z.string().nullable(),
  nextRunTimes: z.array(timestamp),
  recentRuns: z.array(
    z.object({
      id,
      runWorkflowId: z.string(),
      outcome: z.enum(['created', 'failed']),
      taskId: id.nullable(),
      error: z.object({ code: z.string(), message: z.string(), details: jsonObject.optional() }).nullable(),
      createdAt: timestamp,
    }),
  ),
});
const onTemporal = { 409: ['SCHEDULE_MISSING_IN_TEMPORAL'], 503: ['TEMPORAL_UNAVAILABLE'] };

const view = (s: GenerationSchedule) => ({
  id: s.id,
  name: s.name,
  temporalScheduleId: s.temporalScheduleId,
  spec: s.spec,
  template: s.template,
  createdAt: s.createdAt,
});

export function scheduleRoutes({ db, temporal, defaultConcurrency, defaultTimeoutSeconds, limits }: RouteDeps) {
  const { client } = temporal;
  return new Hono<ApiEnv>()
    .post('/', async (c) => {
      const input = await parseJsonBody(c, createScheduleInput);
      const accountId = c.get('accountId');
      const { concurrency, timeoutSeconds, ...rest } = input.template;
      const template = {
        ...rest,
        concurrency: concurrency ?? defaultConcurrency,
        ...((timeoutSeconds ?? defaultTimeoutSeconds) !== undefined ? { timeoutSeconds: timeoutSeconds ?? defaultTimeoutSeconds } : {}),
      };
      const spec: ScheduleSpec =
        input.cron !== undefined ? { cron: input.cron, timezone: input.timezone } : { intervalSeconds: input.intervalSeconds!, timezone: input.timezone };
      const create = async (tx: Tx) => {
        await assertTemplateReferences(tx, accountId, template);
        const schedule = await createScheduleRow(tx, accountId, { name: input.name, spec, template }, (await accountLimits(tx, accountId, limits)).maxSchedules);
        return { status: 201, body: { ...view(schedule), createdAt: schedule.createdAt.toISOString(), paused: input.paused }, resourceId: schedule.id };
      };
      const scope = idempotencyScope(c, input);
      const result = scope ? await runIdempotent(db, scope, create) : { ...(await db.transaction(create)), replayed: false };
      // A replay whose first request died before creating the Temporal Schedule creates it now.
      const schedule = await loadScheduleForRun(db, result.resourceId);
      if (schedule && !schedule.deletedAt && (!result.replayed || !(await describeTemporalSchedule(client, schedule.temporalScheduleId)))) {
        try {
          await createTemporalSchedule(temporal, schedule, input.paused);
        } catch (err) {
          await removeScheduleRow(db, schedule.id);
          if (scope) await forgetIdempotencyKey(db, scope);
          throw err;
        }
      }
      return respondRecorded(c, result);
    })
    .get('/', async (c) => {
      const { schedules, ...page } = await listSchedules(db, c.get('accountId'), parseQuery(c, pagination));
      return c.json({ schedules: schedules.map(view), ...page });
    })
    .get('/:id', async (c) => {
      const schedule = await getSchedule(db, c.get('accountId'), parseIdParam(c));
      const [state, recentRuns] = await Promise.all([
        describeTemporalSchedule(client, schedule.temporalScheduleId),
        listRecentRuns(db, schedule.id),
      ]);
      return c.json({
        ...view(schedule),
        temporalState: state ? 'present' : 'missing',
        paused: state?.paused ?? null,
        note: state?.note ?? null,
        nextRunTimes: state?.nextRunTimes ?? [],
        recentRuns,
      });
    })
    .post('/:id/pause', async (c) => {
      const schedule = await getSchedule(db, c.get('accountId'), parseIdParam(c));
      await pauseTemporalSchedule(client, schedule.temporalScheduleId);
      return c.json({ id: schedule.id, paused: true });
    })
    .post('/:id/unpause', async (c) => {
      const schedule = await getSchedule(db, c.get('accountId'), parseIdParam(c));
      await unpauseTemporalSchedule(client, schedule.temporalScheduleId);
      return c.json({ id: schedule.id, paused: false });
    })
    .post('/:id/trigger', async (c) => {
      const schedule = await getSchedule(db, c.get('accountId'), parseIdParam(c));
      await triggerTemporalSchedule(client, schedule.temporalScheduleId);
      return c.json({ id: schedule.id, status: 'triggered' }, 202);
    })
    .delete('/:id', async (c) => {
      const schedule = await getSchedule(db, c.get('accountId'), parseIdParam(c));
      // Temporal first: a row deleted while its schedule still fires would leave runs nobody can stop.
      await deleteTemporalSchedule(client, schedule.temporalScheduleId);
      await softDeleteSchedule(db, schedule.accountId, schedule.id);
      return c.body(null, 204);
    });
}

export const scheduleOperations: ApiOperation[] = [
  {
    method: 'post',
    path: '/',
    summary: 'Create a schedule that creates a task on a cron or an interval (a Temporal Schedule); Idempotency-Key: a repeat returns the first answer',
    body: createScheduleInput,
    parameters: [IDEMPOTENCY_KEY_PARAMETER],
    status: 201,
    response: scheduleView.extend({ paused: z.boolean() }),
    errors: { 400: ['INVALID_SCHEDULE_SPEC', 'INVALID_REFERENCE', 'SCHEDULE_TOO_FREQUENT', 'INVALID_IDEMPOTENCY_KEY'], 409: ['SCHEDULE_ALREADY_EXISTS', 'SCHEDULE_LIMIT_REACHED', 'IDEMPOTENCY_KEY_REUSED'], 503: ['TEMPORAL_UNAVAILABLE'] },
  },
  {
    method: 'get',
    path: '/',
    summary: 'List schedules',
    query: pagination,
    response: paged('schedules', scheduleView),
  },
  { method: 'get', path: '/:id', summary: 'One schedule with its Temporal state and recent runs', response: scheduleDetail, errors: { 503: ['TEMPORAL_UNAVAILABLE'] } },
  { method: 'post', path: '/:id/pause', summary: 'Pause a schedule', response: z.object({ id, paused: z.literal(true) }), errors: onTemporal },
  { method: 'post', path: '/:id/unpause', summary: 'Resume a paused schedule', response: z.object({ id, paused: z.literal(false) }), errors: onTemporal },
  { method: 'post', path: '/:id/trigger', summary: 'Run a schedule once now', status: 202, response: z.object({ id, status: z.literal('triggered') }), errors: onTemporal },
  { method: 'delete', path: '/:id', summary: 'Delete a schedule (its tasks stay)', status: 204, errors: { 503: ['TEMPORAL_UNAVAILABLE'] } },
];
