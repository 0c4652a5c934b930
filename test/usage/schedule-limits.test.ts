import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../src/config.js';
import { connectTemporal, type TemporalHandles } from '../../src/temporal/connect.js';
import { TEST_PAYLOAD_CODEC } from '../support/payload-codec.js';
import { startApiServer, type JsonReply } from '../support/api-server.js';
import { newAccount, openTestDatabase } from '../support/db.js';

/**
 * Schedules cannot fire more often than the minimum interval, whatever the spec's syntax (checked on the
 * run times Temporal computes), and an account holds at most MAX_SCHEDULES_PER_ACCOUNT of them.
 */

const database = openTestDatabase(5);
let temporal: TemporalHandles;
let api: Awaited<ReturnType<typeof startApiServer>>;
const created: string[] = [];

beforeAll(async () => {
  temporal = await connectTemporal(inject('temporalAddress'), 'default', TEST_PAYLOAD_CODEC);
  api = await startApiServer(database, { client: temporal.client, taskQueue: 'schedule-limits-unused' }, { limits: { ...DEFAULT_LIMITS, maxSchedules: 3 } });
});
afterAll(async () => {
  for (const id of created) await temporal.client.schedule.getHandle(id).delete().catch(() => undefined);
  await api?.close();
  await temporal?.close();
  await database.close();
});

async function create(key: string, spec: Record<string, unknown>): Promise<JsonReply> {
  const r = await api.call('POST', '/api/schedules', key, { name: 'n', paused: false, template: { articleCount: 1 }, ...spec });
  if (r.body?.temporalScheduleId) created.push(r.body.temporalScheduleId);
  return r;
}

const rowsOf = async (accountId: number) =>
  (await database.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM generation_schedules WHERE account_id = ${accountId}`)[0]!.n;

describe('minimum interval of a schedule', () => {
  it.each([['* * * * * * *'], ['@every 1s'], ['@every 59s'], ['*/10 * * * * * *'], ['0,30 * * * * * *']])(
    'cron %s is 400 SCHEDULE_TOO_FREQUENT, and neither a row nor a running Temporal Schedule is left',
    async (cron) => {
      const { accountId, apiKey } = await newAccount(database);
      const r = await create(apiKey, { cron });
      expect({ status: r.status, code: r.body?.error?.code }, r.text).toEqual({ status: 400, code: 'SCHEDULE_TOO_FREQUENT' });
      expect(r.body.error.message).toContain('at least 60 seconds');
      expect(r.body.error.details.minIntervalSeconds).toBe(60);
      expect(r.body.error.details.shortestGapSeconds).toBeLessThan(60);
      expect(await rowsOf(accountId)).toBe(0);
      expect((await api.call('GET', '/api/schedules', apiKey)).body.total).toBe(0);
    },
  );

  it.each([['* * * * *'], ['@every 60s'], ['@hourly'], ['0 9 * * 1-5']])('cron %s (at least a minute apart) is accepted and runs unpaused', async (cron) => {
    const { apiKey } = await newAccount(database);
    const r = await create(apiKey, { cron });
    expect(r.status, r.text).toBe(201);
    const got = await api.call('GET', `/api/schedules/${r.body.id}`, apiKey);
    expect(got.body.paused).toBe(false);
    const times = (got.body.nextRunTimes as string[]).map((t) => Date.parse(t));
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(60_000);
  });

  it('a schedule created paused stays paused after the check', async () => {
    const { apiKey } = await newAccount(database);
    const r = await create(apiKey, { cron: '0 9 * * *', paused: true });
    expect(r.status, r.text).toBe(201);
    expect((await api.call('GET', `/api/schedules/${r.body.id}`, apiKey)).body.paused).toBe(true);
  });
});

describe('schedules per account', () => {
  it('the fourth schedule is 409 SCHEDULE_LIMIT_REACHED; deleting one makes room', async () => {
    const { accountId, apiKey } = await newAccount(database);
    const ids: number[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await create(apiKey, { intervalSeconds: 3600, paused: true });
      expect(r.status, r.text).toBe(201);
      ids.push(r.body.id);
    }
    const over = await create(apiKey, { intervalSeconds: 3600, paused: true });
    expect({ status: over.status, code: over.body?.error?.code }, over.text).toEqual({ status: 409, code: 'SCHEDULE_LIMIT_REACHED' });
    expect(over.body.error.message).toContain('3');
    expect(over.body.error.details).toEqual({ limit: 3 });
    expect(await rowsOf(accountId)).toBe(3);

    const other = await newAccount(database);
    expect((await create(other.apiKey, { intervalSeconds: 3600, paused: true })).status).toBe(201);

    expect((await api.call('DELETE', `/api/schedules/${ids[0]}`, apiKey)).status).toBe(204);
    expect((await create(apiKey, { intervalSeconds: 3600, paused: true })).status).toBe(201);
  });

  it('concurrent creations never pass the limit', async () => {
    const { accountId, apiKey } = await newAccount(database);
    const replies = await Promise.all(Array.from({ length: 6 }, () => create(apiKey, { intervalSeconds: 3600, paused: true })));
    expect(replies.map((r) => r.status).sort()).toEqual([201, 201, 201, 409, 409, 409]);
    expect(await rowsOf(accountId)).toBe(3);
  });

  it("an operator's per-account maxSchedules overrides the default for that account only", async () => {
    const operator = await newAccount(database, { scope: 'operator' });
    const { accountId, apiKey } = await newAccount(database);
    const set = await api.call('PATCH', `/api/admin/accounts/${accountId}/limits`, operator.apiKey, { maxSchedules: 1 });
    expect(set.body.effective.maxSchedules, set.text).toBe(1);
    expect((await create(apiKey, { intervalSeconds: 3600, paused: true })).status).toBe(201);
    const over = await create(apiKey, { intervalSeconds: 3600, paused: true });
    expect(over.body.error).toMatchObject({ code: 'SCHEDULE_LIMIT_REACHED', details: { limit: 1 } });
    expect(await rowsOf(accountId)).toBe(1);
  });
});
