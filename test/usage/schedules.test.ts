import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createScheduleRuns } from '../../src/activities/scheduled-generation.js';
import { createScheduleRow } from '../../src/domain/schedules/index.js';
import { createLogger } from '../../src/logger.js';
import { ACCOUNT_ID } from '../../src/shared/search-attributes.js';
import { connectTemporal, type TemporalHandles } from '../../src/temporal/connect.js';
import { startApiServer, waitFor, waitForTaskEnd } from '../support/api-server.js';
import { distillationCounts, newAccount, openTestDatabase, seedDistillations } from '../support/db.js';
import { invariantViolations } from '../support/invariants.js';
import { startLlmStub, type LlmStub } from '../support/llm-stub.js';
import { startTestWorker } from '../support/worker.js';
import { TEST_PAYLOAD_CODEC } from '../support/payload-codec.js';

/**
 * Scheduled generation end to end: the API creates real Temporal Schedules on the test run's dev
 * server, a trigger runs scheduledGenerationWorkflow on a real worker, and its task completes against
 * the LLM stub.
 */

const database = openTestDatabase(10);
const SCHEDULES = '/api/schedules';
let stub: LlmStub;
let worker: Awaited<ReturnType<typeof startTestWorker>>;
let api: Awaited<ReturnType<typeof startApiServer>>;
const temporalIds = new Set<string>();

beforeAll(async () => {
  stub = await startLlmStub();
  worker = await startTestWorker(database, stub.url);
  api = await startApiServer(database, worker.target);
});
afterAll(async () => {
  for (const id of temporalIds) await worker?.client.schedule.getHandle(id).delete().catch(() => undefined);
  await api?.close();
  await worker?.stop();
  await stub?.close();
  await database.close();
});

async function createSchedule(key: string, body: Record<string, unknown>) {
  const r = await api.call('POST', SCHEDULES, key, body);
  if (r.body?.temporalScheduleId) temporalIds.add(r.body.temporalScheduleId);
  return r;
}

/** Triggers the schedule and waits for `n` recorded runs. */
async function triggerAndWaitForRuns(key: string, id: number, n: number) {
  const t = await api.call('POST', `${SCHEDULES}/${id}/trigger`, key);
  expect(t.status, JSON.stringify(t.body)).toBe(202);
  return waitFor(`${n} runs of schedule ${id}`, async () => {
    const r = await api.call('GET', `${SCHEDULES}/${id}`, key);
    return r.body.recentRuns.length >= n ? r.body : undefined;
  });
}

const HOUR = 3_600_000;

const taskCount = async (accountId: number) =>
  (await database.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM generation_tasks WHERE account_id = ${accountId}`)[0]!.n;


describe('schedules API', () => {
  it('creates an interval schedule whose trigger creates a task with the least-used distillations', async () => {
    const { accountId, apiKey } = await newAccount(database);
    const ids = await seedDistillations(database, accountId, [{ usageCount: 3 }, { usageCount: 0 }, { usageCount: 1 }, { usageCount: 0 }]);
    const created = await createSchedule(apiKey, { name: 'hourly', intervalSeconds: 3600, template: { articleCount: 2, priority: 7 } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id = created.body.id as number;
    expect(created.body).toMatchObject({
      name: 'hourly',
      temporalScheduleId: `generation-schedule-${id}`,
      paused: false,
      spec: { intervalSeconds: 3600, timezone: 'UTC' },
      template: { articleCount: 2, priority: 7, concurrency: 5, autoApprove: true, maxRetries: 3 },
    });

    const got = await api.call('GET', `${SCHEDULES}/${id}`, apiKey);
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({ paused: false, temporalState: 'present', recentRuns: [] });
    const next = (got.body.nextRunTimes as string[]).map((t) => Date.parse(t));
    expect(next.length).toBe(5);
    expect(next[0]!).toBeGreaterThan(Date.now());
    expect(next[0]!).toBeLessThanOrEqual(Date.now() + HOUR + 60_000);
    for (let i = 1; i < next.length; i++) expect(Math.abs(next[i]! - next[i - 1]! - HOUR)).toBeLessThan(1000);

    const detail = await triggerAndWaitForRuns(apiKey, id, 1);
    const [run] = detail.recentRuns;
    expect(run).toMatchObject({ outcome: 'created', error: null });
    expect(run.runWorkflowId).toMatch(new RegExp(`^generation-schedule-${id}-run`));
    const taskId = run.taskId as number;
    const task = await waitForTaskEnd(taskId, async () => (await api.call('GET', `/api/article-generation/tasks/${taskId}`, apiKey)).body);
    expect(task).toMatchObject({ status: 'completed', generatedCount: 2, requestedCount: 2, priority: 7 });
    expect(task.selectedDistillations.map((d: any) => d.id)).toEqual([ids[1], ids[3]]);
    const counts = await distillationCounts(database, ids);
    expect([...counts.values()].map((c) => c.usage)).toEqual([3, 1, 1, 1]);
    // Invariant 1 is left out: the seeded usage counts have no usage rows behind them.
    expect((await invariantViolations(database, accountId)).filter((v) => !v.startsWith('1:'))).toEqual([]);

    // The run workflow finished with the same outcome; the Temporal schedule carries on.
    const result = await worker.client.workflow.getHandle(run.runWorkflowId).result();
    expect(result).toMatchObject({ scheduleId: id, outcome: 'created', taskId });
    const described = await worker.client.workflow.getHandle(run.runWorkflowId).describe();
    expect(described.typedSearchAttributes.get(ACCOUNT_ID)).toBe(accountId);
    const list = await api.call('GET', SCHEDULES, apiKey);
    expect(list.body).toMatchObject({ total: 1, schedules: [{ id, name: 'hourly' }] });
  });

  it('records a run that lacks distillations as failed and keeps the schedule running', async () => {
    const { accountId, apiKey } = await newAccount(database);
    await seedDistillations(database, accountId, [{}, {}]);
    const created = await createSchedule(apiKey, { name: 'too big', intervalSeconds: 3600, template: { articleCount: 5 } });
    expect(created.status).toBe(201);
    const id = created.body.id as number;

    const detail = await triggerAndWaitForRuns(apiKey, id, 1);
    expect(detail.recentRuns[0]).toMatchObject({
      outcome: 'failed',
      taskId: null,
      error: { code: 'INSUFFICIENT_DISTILLATIONS', details: { available: 2, requested: 5 } },
    });
    expect(detail.recentRuns[0].error.message).toContain('Not enough distillations');
    expect(detail).toMatchObject({ paused: false, temporalState: 'present' });
    const result = await worker.client.workflow.getHandle(detail.recentRuns[0].runWorkflowId).result();
    expect(result).toMatchObject({ outcome: 'failed', error: { code: 'INSUFFICIENT_DISTILLATIONS' } });
    expect(await taskCount(accountId)).toBe(0);
    expect(await invariantViolations(database, accountId)).toEqual([]);
  });

  it('pauses and unpauses, and accepts a cron in a time zone', async () => {
    const { apiKey } = await newAccount(database);
    const created = await createSchedule(apiKey, {
      name: 'mornings in Shanghai',
      cron: '0 9 * * *',
      timezone: 'Asia/Shanghai',
      paused: true,
      template: { articleCount: 1 },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id = created.body.id as number;
    expect(created.body).toMatchObject({ paused: true, spec: { cron: '0 9 * * *', timezone: 'Asia/Shanghai' } });
    expect((await api.call('GET', `${SCHEDULES}/${id}`, apiKey)).body.paused).toBe(true);

    expect(await api.call('POST', `${SCHEDULES}/${id}/unpause`, apiKey)).toMatchObject({ status: 200, body: { id, paused: false } });
    const unpaused = await api.call('GET', `${SCHEDULES}/${id}`, apiKey);
    expect(unpaused.body.paused).toBe(false);
    const next = (unpaused.body.nextRunTimes as string[]).map((t) => new Date(t));
    expect(next.length).toBe(5);
    for (const t of next) expect(t.toISOString()).toMatch(/T01:00:00\.000Z$/);
    expect(next[0]!.getTime()).toBeGreaterThan(Date.now());
    for (let i = 1; i < next.length; i++) expect(next[i]!.getTime() - next[i - 1]!.getTime()).toBe(24 * HOUR);

    expect(await api.call('POST', `${SCHEDULES}/${id}/pause`, apiKey)).toMatchObject({ status: 200, body: { id, paused: true } });
    expect((await api.call('GET', `${SCHEDULES}/${id}`, apiKey)).body.paused).toBe(true);
  });

  it('rejects invalid requests with 400 naming the problem', async () => {
    const owner = await newAccount(database);
    const other = await newAccount(database);
    const setting = await api.call('POST', '/api/article-settings', other.apiKey, { name: 'theirs', prompt: 'Write.' });
    expect(setting.status).toBe(201);
    const base = { name: 'x', template: { articleCount: 1 } };
    const cases: [Record<string, unknown>, string, string][] = [
      [{ ...base, cron: '0 9 * * *', intervalSeconds: 3600 }, 'VALIDATION_ERROR', 'not both'],
      [base, 'VALIDATION_ERROR', 'one of cron'],
      [{ ...base, intervalSeconds: 3600, timezone: 'Mars/Olympus' }, 'VALIDATION_ERROR', 'IANA time zone'],
      [{ ...base, intervalSeconds: 59 }, 'VALIDATION_ERROR', 'intervalSeconds must be at least 60'],
      [{ ...base, intervalSeconds: 3600, template: { articleCount: 0 } }, 'VALIDATION_ERROR', 'articleCount must be at least 1'],
      [{ ...base, intervalSeconds: 3600, template: { articleCount: 1, priority: 11 } }, 'VALIDATION_ERROR', 'priority must be 1-10'],
      [{ ...base, intervalSeconds: 3600, template: { articleCount: 1, concurrency: 21 } }, 'VALIDATION_ERROR', 'concurrency must be 1-20'],
      [{ name: 'x', intervalSeconds: 3600 }, 'VALIDATION_ERROR', 'template'],
      [{ ...base, cron: 'every now and then' }, 'INVALID_SCHEDULE_SPEC', 'Temporal rejected'],
      [{ ...base, intervalSeconds: 3600, template: { articleCount: 1, articleSettingId: setting.body.id } }, 'INVALID_REFERENCE', 'articleSettingId'],
    ];
    for (const [body, code, text] of cases) {
      const r = await createSchedule(owner.apiKey, body);
      expect({ status: r.status, code: r.body?.error?.code }, JSON.stringify(body)).toEqual({ status: 400, code });
      expect(r.body.error.message).toContain(text);
    }
    const list = await api.call('GET', SCHEDULES, owner.apiKey);
    expect(list.body).toMatchObject({ total: 0, schedules: [] });
  });

  it("answers 404 for another account's schedule and deletes the Temporal schedule with the row", async () => {
    const owner = await newAccount(database);
    const other = await newAccount(database);
    const created = await createSchedule(owner.apiKey, { name: 'mine', intervalSeconds: 600, paused: true, template: { articleCount: 1 } });
    const { id, temporalScheduleId } = created.body as { id: number; temporalScheduleId: string };
    for (const [method, path] of [
      ['GET', `${SCHEDULES}/${id}`],
      ['POST', `${SCHEDULES}/${id}/pause`],
      ['POST', `${SCHEDULES}/${id}/unpause`],
      ['POST', `${SCHEDULES}/${id}/trigger`],
      ['DELETE', `${SCHEDULES}/${id}`],
    ] as const) {
      const r = await api.call(method, path, other.apiKey);
      expect({ status: r.status, code: r.body?.error?.code }, `${method} ${path}`).toEqual({ status: 404, code: 'NOT_FOUND' });
    }
    expect((await api.call('GET', SCHEDULES, other.apiKey)).body.total).toBe(0);

    const del = await api.call('DELETE', `${SCHEDULES}/${id}`, owner.apiKey);
    expect(del.status).toBe(204);
    await expect(worker.client.schedule.getHandle(temporalScheduleId).describe()).rejects.toThrow();
    expect((await api.call('GET', `${SCHEDULES}/${id}`, owner.apiKey)).status).toBe(404);
    expect((await api.call('DELETE', `${SCHEDULES}/${id}`, owner.apiKey)).status).toBe(404);
    expect((await api.call('GET', SCHEDULES, owner.apiKey)).body.total).toBe(0);
  });

  it('answers 503 and keeps no row when Temporal is unreachable', async () => {
    const closed = await connectTemporal(inject('temporalAddress'), 'default', TEST_PAYLOAD_CODEC);
    await closed.close();
    const broken = await startApiServer(database, { client: closed.client, taskQueue: worker.taskQueue });
    try {
      const { accountId, apiKey } = await newAccount(database);
      const r = await broken.call('POST', SCHEDULES, apiKey, { name: 'down', intervalSeconds: 3600, template: { articleCount: 1 } });
      expect({ status: r.status, code: r.body?.error?.code }).toEqual({ status: 503, code: 'TEMPORAL_UNAVAILABLE' });
      expect(await database.sql`SELECT 1 FROM generation_schedules WHERE account_id = ${accountId}`).toHaveLength(0);
    } finally {
      await broken.close();
    }
  });
});

describe('createScheduledTask activity', () => {
  let closed: TemporalHandles;
  beforeAll(async () => {
    closed = await connectTemporal(inject('temporalAddress'), 'default', TEST_PAYLOAD_CODEC);
    await closed.close();
  });

  const activitiesWith = (client: TemporalHandles['client']) =>
    createScheduleRuns({ db: database.db, log: createLogger('silent'), client, taskQueue: worker.taskQueue });

  async function scheduleFor(accountId: number, articleCount: number) {
    return createScheduleRow(database.db, accountId, { name: 'direct', spec: { intervalSeconds: 3600, timezone: 'UTC' }, template: { articleCount } });
  }

  it('creates one task per run workflow id, however often and concurrently it is retried', async () => {
    const { accountId } = await newAccount(database);
    await seedDistillations(database, accountId, [{}, {}, {}, {}, {}, {}]);
    const schedule = await scheduleFor(accountId, 2);
    const { createScheduledTask } = activitiesWith(worker.client);
    const input = { scheduleId: schedule.id, runWorkflowId: `generation-schedule-${schedule.id}-run-test` };

    const first = await createScheduledTask(input);
    const again = await Promise.all([createScheduledTask(input), createScheduledTask(input)]);
    expect(first).toMatchObject({ outcome: 'created', scheduleId: schedule.id });
    expect(again).toEqual([first, first]);
    expect(await taskCount(accountId)).toBe(1);

    const other = await createScheduledTask({ ...input, runWorkflowId: `${input.runWorkflowId}-2` });
    expect(other.taskId).not.toBe(first.taskId);
    expect(await taskCount(accountId)).toBe(2);
    for (const taskId of [first.taskId!, other.taskId!]) {
      await worker.client.workflow.getHandle(`article-task-${taskId}`).result();
    }
    expect(await invariantViolations(database, accountId)).toEqual([]);
  });

  it('fails the task and records nothing when its workflow cannot start, so a retry starts over', async () => {
    const { accountId } = await newAccount(database);
    const ids = await seedDistillations(database, accountId, [{}, {}]);
    const schedule = await scheduleFor(accountId, 2);
    const input = { scheduleId: schedule.id, runWorkflowId: `generation-schedule-${schedule.id}-run-broken` };

    await expect(activitiesWith(closed.client).createScheduledTask(input)).rejects.toThrow();
    const [task] = await database.sql`SELECT status, error_message FROM generation_tasks WHERE account_id = ${accountId}`;
    expect(task).toMatchObject({ status: 'failed' });
    expect(task!.error_message).toContain('the workflow could not be started');
    expect([...(await distillationCounts(database, ids)).values()].every((c) => c.reserved === 0)).toBe(true);
    expect(await database.sql`SELECT 1 FROM schedule_runs WHERE run_workflow_id = ${input.runWorkflowId}`).toHaveLength(0);

    const retried = await activitiesWith(worker.client).createScheduledTask(input);
    expect(retried.outcome).toBe('created');
    await worker.client.workflow.getHandle(`article-task-${retried.taskId}`).result();
    expect(await invariantViolations(database, accountId)).toEqual([]);
  });

  it('records a deleted schedule or ingredient as a failed run', async () => {
    const { accountId, apiKey } = await newAccount(database);
    await seedDistillations(database, accountId, [{}, {}]);
    const setting = await api.call('POST', '/api/article-settings', apiKey, { name: 's', prompt: 'Write.' });
    const schedule = await createScheduleRow(database.db, accountId, {
      name: 'with setting',
      spec: { intervalSeconds: 3600, timezone: 'UTC' },
      template: { articleCount: 1, articleSettingId: setting.body.id },
    });
    expect((await api.call('DELETE', `/api/article-settings/${setting.body.id}`, apiKey)).status).toBe(204);
    const { createScheduledTask } = activitiesWith(worker.client);
    const run = await createScheduledTask({ scheduleId: schedule.id, runWorkflowId: `r-${schedule.id}-a` });
    expect(run).toMatchObject({ outcome: 'failed', error: { code: 'INVALID_REFERENCE' } });

    await database.sql`UPDATE generation_schedules SET deleted_at = now() WHERE id = ${schedule.id}`;
    const gone = await createScheduledTask({ scheduleId: schedule.id, runWorkflowId: `r-${schedule.id}-b` });
    expect(gone).toMatchObject({ outcome: 'failed', error: { code: 'SCHEDULE_DELETED' } });
    expect(await taskCount(accountId)).toBe(0);
  });
});
