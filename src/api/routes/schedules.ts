import { Hono } from 'hono';
import { z } from 'zod';
import { listSchedules } from '../../domain/schedules/index.js';
import { controlScheduleOfAccount, deleteScheduleOfAccount, scheduleDetail as detailOf } from '../../temporal/schedule-control.js';
import { IDEMPOTENCY_KEY_PARAMETER, idempotencyScope, respondRecorded } from '../idempotency-key.js';
import { scheduleCreator, scheduleView as view } from '../../services/schedule-create.js';
import { createScheduleInput } from '../../http/schemas/schedule-request.js';
import { taskRequestSchema } from '../../http/schemas/task-request.js';
import type { RouteDeps } from '../../http/deps.js';
import type { ApiEnv } from '../types.js';
import { pagination, parseIdParam, parseJsonBody, parseQuery } from '../../http/validation.js';
import type { ApiOperation } from '../operation.js';
import { id, jsonObject, paged, timestamp } from '../../http/schemas/common.js';

const scheduleView = z.object({
  id,
  name: z.string(),
  temporalScheduleId: z.string(),
  spec: z.xor([z.object({ cron: z.string(), timezone: z.string() }), z.object({ intervalSeconds: id, timezone: z.string() })]),
  template: taskRequestSchema.describe('The task request of every run, with the defaults filled in'),
  createdAt: timestamp,
});
const scheduleDetail = scheduleView.extend({
  temporalState: z.enum(['present', 'missing']).describe("'missing': the Temporal Schedule was deleted outside the API"),
  paused: z.boolean().nullable(),
  note: z.string().nullable(),
  nextRunTimes: z.array(timestamp).describe('The next times a run starts; empty while the schedule is paused'),
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

export function scheduleRoutes(deps: RouteDeps) {
  const { db, temporal } = deps;
  const { client } = temporal;
  const createSchedule = scheduleCreator(deps);
  return new Hono<ApiEnv>()
    .post('/', async (c) => {
      const input = await parseJsonBody(c, createScheduleInput);
      return respondRecorded(c, await createSchedule(c.get('accountId'), input, idempotencyScope(c, input)));
    })
    .get('/', async (c) => {
      const { schedules, ...page } = await listSchedules(db, c.get('accountId'), parseQuery(c, pagination));
      return c.json({ schedules: schedules.map(view), ...page });
    })
    .get('/:id', async (c) => {
      const { schedule, ...state } = await detailOf(db, client, c.get('accountId'), parseIdParam(c));
      return c.json({ ...view(schedule), ...state });
    })
    .post('/:id/pause', async (c) => {
      const schedule = await controlScheduleOfAccount(db, client, c.get('accountId'), parseIdParam(c), 'pause');
      return c.json({ id: schedule.id, paused: true });
    })
    .post('/:id/unpause', async (c) => {
      const schedule = await controlScheduleOfAccount(db, client, c.get('accountId'), parseIdParam(c), 'unpause');
      return c.json({ id: schedule.id, paused: false });
    })
    .post('/:id/trigger', async (c) => {
      const schedule = await controlScheduleOfAccount(db, client, c.get('accountId'), parseIdParam(c), 'trigger');
      return c.json({ id: schedule.id, status: 'triggered' }, 202);
    })
    .delete('/:id', async (c) => {
      await deleteScheduleOfAccount(db, client, c.get('accountId'), parseIdParam(c));
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
