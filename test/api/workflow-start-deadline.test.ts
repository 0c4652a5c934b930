import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { connectTemporal, type TemporalHandles } from '../../src/temporal/connect.js';
import { TEST_PAYLOAD_CODEC } from '../support/payload-codec.js';
import { callJson, startApiServer } from '../support/api-server.js';
import { newAccount, openTestDatabase, seedDistillations } from '../support/db.js';
import { invariantViolations } from '../support/invariants.js';
import { startTcpProxy } from '../support/tcp-proxy.js';

const database = openTestDatabase();
let proxy: Awaited<ReturnType<typeof startTcpProxy>>;
let temporal: TemporalHandles;
let api: Awaited<ReturnType<typeof startApiServer>>;

beforeAll(async () => {
  // The API connects to Temporal through a proxy while it answers; then Temporal goes silent.
  proxy = await startTcpProxy(inject('temporalAddress'));
  temporal = await connectTemporal(proxy.address, 'default', TEST_PAYLOAD_CODEC);
  api = await startApiServer(database, { client: temporal.client, taskQueue: 'never-polled', startTimeoutMs: 1_000 });
});
afterAll(async () => {
  await api?.close();
  await proxy?.close();
  await temporal?.close();
  await database.close();
});

it('a Temporal that accepts the connection but never answers: 503 WORKFLOW_START_FAILED after the start deadline, nothing reserved', async () => {
  const { accountId, apiKey } = await newAccount(database);
  await seedDistillations(database, accountId, [{ keyword: 'silent-1' }, { keyword: 'silent-2' }]);
  proxy.swallow();
  // Generous: the start deadline is 1 s; without one the request hangs for as long as Temporal is silent.
  const reply = await Promise.race([
    callJson(api.url, 'POST', '/api/article-generation/tasks', apiKey, { articleCount: 2 }),
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error('no answer within 20 s')), 20_000)),
  ]);
  expect(reply.status, reply.text).toBe(503);
  expect(reply.body.error.code).toBe('WORKFLOW_START_FAILED');
  const taskId = reply.body.error.details.taskId as number;
  const [task] = await database.sql`SELECT status, error_message FROM generation_tasks WHERE id = ${taskId}`;
  expect(task!.status).toBe('failed');
  expect(task!.error_message).toContain('did not answer');
  const items = await database.sql`SELECT state FROM task_items WHERE task_id = ${taskId} ORDER BY position`;
  expect(items.map((i) => i.state)).toEqual(['released', 'released']);
  expect(await invariantViolations(database, accountId)).toEqual([]);
}, 60_000);
