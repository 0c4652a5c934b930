import type { ChildProcess } from 'node:child_process';
import net from 'node:net';
import { WorkflowNotFoundError } from '@temporalio/client';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { taskWorkflowId } from '../../src/domain/tasks/workflow-id.js';
import { findFreePort } from '../../src/infra/temporal-dev-server.js';
import { apiCall, waitFor, waitForTaskEnd } from '../support/api-server.js';
import { distillationCounts, newAccount, seedDistillations } from '../support/db.js';
import { invariantViolations } from '../support/invariants.js';
import { useTestStack } from '../support/stack.js';
import { startServiceProcess } from '../support/service-process.js';

/** Idempotency-Key over real HTTP, and across a real API process killed with SIGKILL mid-request. */
const stack = useTestStack({ latencyMs: 5 });
const { database } = stack;
const TASKS = '/api/article-generation/tasks';
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

async function post(url: string, apiKey: string, route: string, body: unknown, key?: string) {
  const r = await apiCall(url, 'POST', route, { key: apiKey, json: body, headers: key === undefined ? {} : { 'idempotency-key': key } });
  return { status: r.status, body: r.body, replayed: r.headers.get('idempotent-replayed') === 'true' };
}
const call = (route: string, apiKey: string, body: unknown, key?: string) => post(stack.api.url, apiKey, route, body, key);
const taskCount = async (accountId: number) => (await database.sql`SELECT count(*)::int AS n FROM generation_tasks WHERE account_id = ${accountId}`)[0]!.n as number;
const finished = (taskId: number) =>
  waitForTaskEnd(taskId, async () => (await database.sql`SELECT status, generated_count FROM generation_tasks WHERE id = ${taskId}`)[0] as { status: string; generated_count: number } | undefined);

async function pool(n: number) {
  const account = await newAccount(database);
  const ids = await seedDistillations(database, account.accountId, Array.from({ length: n }, (_, i) => ({ keyword: `idem-${account.accountId}-${i}` })));
  return { ...account, ids };
}

describe('Idempotency-Key', () => {
  it('parallel duplicate creates with one key make exactly one task; every answer is the first one', async () => {
    const { accountId, apiKey, ids } = await pool(6);
    const key = `dup-${accountId}`;
    const replies = await Promise.all(Array.from({ length: 6 }, () => call(TASKS, apiKey, { articleCount: 2, priority: 7 }, key)));
    expect(replies.map((r) => r.status)).toEqual([201, 201, 201, 201, 201, 201]);
    expect(new Set(replies.map((r) => r.body.taskId)).size).toBe(1);
    expect(replies.filter((r) => r.replayed)).toHaveLength(5);
    for (const r of replies) expect(r.body).toEqual(replies[0]!.body);
    expect(await taskCount(accountId)).toBe(1);
    await finished(replies[0]!.body.taskId);
    // Two distillations used once each, nothing reserved twice.
    const counts = [...(await distillationCounts(database, ids)).values()];
    expect(counts.reduce((n, c) => n + c.usage + c.reserved, 0)).toBe(2);
    expect(await invariantViolations(database, accountId)).toEqual([]);
  });

  it('refuses the same key with another body (409 IDEMPOTENCY_KEY_REUSED), checks its format, and is scoped per account', async () => {
    const { accountId, apiKey } = await pool(4);
    const first = await call(TASKS, apiKey, { articleCount: 1 }, 'reuse-me');
    expect(first.status).toBe(201);
    const other = await call(TASKS, apiKey, { articleCount: 2 }, 'reuse-me');
    expect(other.status).toBe(409);
    expect(other.body.error.code).toBe('IDEMPOTENCY_KEY_REUSED');
    // The same body in another key order is the same request.
    const same = await call(TASKS, apiKey, { priority: 5, articleCount: 1 }, 'reuse-me');
    expect(same).toMatchObject({ status: 201, replayed: true, body: { taskId: first.body.taskId } });
    for (const bad of ['x'.repeat(256), 'tab\there']) {
      const r = await call(TASKS, apiKey, { articleCount: 1 }, bad);
      expect(r.status).toBe(400);
      expect(r.body.error.code).toBe('INVALID_IDEMPOTENCY_KEY');
    }
    const elsewhere = await pool(2);
    const theirs = await call(TASKS, elsewhere.apiKey, { articleCount: 1 }, 'reuse-me');
    expect(theirs.status).toBe(201);
    expect(theirs.replayed).toBe(false);
    expect(theirs.body.taskId).not.toBe(first.body.taskId);
    expect(await taskCount(accountId)).toBe(1);
    await finished(first.body.taskId);
    await finished(theirs.body.taskId);
  });

  it('makes a repeated retry run once and a repeated schedule create make one schedule', async () => {
    const { accountId, apiKey } = await pool(3);
    stack.stub.setBehavior(() => ({ status: 400, errorMessage: 'rejected' }));
    const created = await call(TASKS, apiKey, { articleCount: 1, maxRetries: 3 });
    expect((await finished(created.body.taskId)).status).toBe('failed');
    stack.stub.setBehavior(() => ({}));
    const retries = await Promise.all([1, 2, 3].map(() => call(`${TASKS}/${created.body.taskId}/retry`, apiKey, undefined, `retry-${accountId}`)));
    expect(retries.map((r) => [r.status, r.body.retryCount])).toEqual([[202, 1], [202, 1], [202, 1]]);
    expect((await finished(created.body.taskId)).status).toBe('completed');
    const [row] = await database.sql`SELECT retry_count FROM generation_tasks WHERE id = ${created.body.taskId}`;
    expect(row!.retry_count).toBe(1);

    const schedule = { name: 'nightly', cron: '0 3 * * *', paused: true, template: { articleCount: 1 } };
    const s1 = await call('/api/schedules', apiKey, schedule, `schedule-${accountId}`);
    const s2 = await call('/api/schedules', apiKey, schedule, `schedule-${accountId}`);
    expect(s1.status).toBe(201);
    expect(s2).toMatchObject({ status: 201, replayed: true, body: s1.body });
    const schedules = await database.sql`SELECT id FROM generation_schedules WHERE account_id = ${accountId}`;
    expect(schedules).toHaveLength(1);
    await stack.worker.client.schedule.getHandle(s1.body.temporalScheduleId).delete();
    expect(await invariantViolations(database, accountId)).toEqual([]);
  });

  it('a create repeated after the API process was killed (kill -9) after its commit returns the same task and starts it; nothing reserved twice', async () => {
    const { accountId, apiKey, ids } = await pool(6);
    const proxy = await startSilenceableProxy(inject('temporalAddress'));
    const api = await startApiProcess(proxy.address);
    // Temporal stops answering the API process: its start call hangs after the commit.
    proxy.silence();
    const key = `crash-${accountId}`;
    const lost = post(api.url, apiKey, TASKS, { articleCount: 3 }, key).catch((err: Error) => err);
    const taskId = await waitFor('the creation to commit', async () => {
      const [row] = await database.sql`SELECT resource_id FROM idempotency_keys WHERE account_id = ${accountId} AND key = ${key}`;
      return row?.resource_id as number | undefined;
    });
    api.child.kill('SIGKILL');
    expect(await lost).toBeInstanceOf(Error);
    await proxy.close();
    const [pending] = await database.sql`SELECT status FROM generation_tasks WHERE id = ${taskId}`;
    expect(pending!.status).toBe('pending');
    expect(await stack.worker.client.workflow.getHandle(taskWorkflowId(taskId)).describe().catch((e) => e)).toBeInstanceOf(WorkflowNotFoundError);

    const again = await call(TASKS, apiKey, { articleCount: 3 }, key);
    expect(again).toMatchObject({ status: 201, replayed: true, body: { taskId, status: 'pending' } });
    expect(await finished(taskId)).toMatchObject({ status: 'completed', generated_count: 3 });
    expect(await taskCount(accountId)).toBe(1);
    const counts = [...(await distillationCounts(database, ids)).values()];
    expect(counts.map((c) => c.usage + c.reserved).sort()).toEqual([0, 0, 0, 1, 1, 1]);
    expect(await invariantViolations(database, accountId)).toEqual([]);
  }, 90_000);
});

/** `npm run api` as a real child process on the test database, starting workflows on the test worker's queue. */
async function startApiProcess(temporalAddress: string) {
  const port = await findFreePort();
  const api = startServiceProcess('src/api-server.ts', {
    DATABASE_URL: inject('databaseUrl'),
    TEMPORAL_ADDRESS: temporalAddress,
    TASK_QUEUE: stack.worker.taskQueue,
    PORT: String(port),
  });
  children.push(api.child);
  await api.waitForOutput(/API listening/);
  return { child: api.child, url: `http://127.0.0.1:${port}` };
}

/** A loopback TCP proxy that, once silenced, keeps its connections open but forwards nothing: a hung Temporal. */
async function startSilenceableProxy(target: string) {
  const [host, port] = [target.slice(0, target.lastIndexOf(':')), Number(target.slice(target.lastIndexOf(':') + 1))];
  const sockets = new Set<net.Socket>();
  let silent = false;
  const server = net.createServer((client) => {
    const upstream = net.connect(port, host);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => undefined).on('close', () => (client.destroy(), upstream.destroy()));
    }
    client.on('data', (d) => silent || upstream.write(d));
    upstream.on('data', (d) => silent || client.write(d));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    address: `127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    silence: () => void (silent = true),
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
