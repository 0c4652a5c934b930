import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { taskWorkflowId } from '../../src/domain/tasks/workflow-id.js';
import { waitFor, waitForTaskEnd } from '../support/api-server.js';
import { distillationCounts, newAccount, seedDistillations } from '../support/db.js';
import { invariantViolations } from '../support/invariants.js';
import { useTestStack } from '../support/stack.js';
import { startWebhookReceiver } from '../support/webhook-receiver.js';

/**
 * Issue 18's budgets on the real stack (PostgreSQL, Temporal, a loopback LLM): the spend stands as llm_attempts rows
 * the test inserts while an article is being written (the writer of those rows is the model router's). When the
 * budget is reached midway, a new task and a distillation run are refused with 429 BUDGET_EXCEEDED, the running task
 * pauses before its next LLM call with nothing lost and the invariants clean, and resumes when the budget is raised.
 */
const stack = useTestStack({ latencyMs: 20 });
const { database } = stack;
const T = '/api/article-generation/tasks';
const PICO = 1_000_000_000_000n;
let secret = '';
let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
beforeAll(async () => {
  receiver = await startWebhookReceiver(() => secret);
});
afterAll(() => receiver?.close());

const call = (method: string, p: string, key: string, body?: unknown) => stack.api.call(method, p, key, body);

async function spend(accountId: number, pico: bigint) {
  await database.sql`INSERT INTO llm_attempts (account_id, model_id, outcome, cost_pico, currency) VALUES (${accountId}, 'stub', 'ok', ${pico.toString()}::bigint, 'USD')`;
}

/** An admin account with `n` distillations, a webhook for the pause events and a daily budget. */
async function budgetedAccount(n: number, daily: string) {
  const account = await newAccount(database, { scope: 'admin' });
  const ids = await seedDistillations(database, account.accountId, Array.from({ length: n }, (_, i) => ({ keyword: `budget-kw-${account.accountId}-${i}` })));
  const hook = await call('POST', '/api/webhooks', account.apiKey, { url: receiver.url, events: ['task.paused', 'task.resumed'] });
  expect(hook.status, hook.text).toBe(201);
  secret = hook.body.secret;
  const put = await call('PUT', `/api/admin/accounts/${account.accountId}/budget`, account.apiKey, { daily: daily, monthly: null, currency: 'USD' });
  expect(put.status, put.text).toBe(200);
  expect(put.body).toMatchObject({ daily, monthly: null, currency: 'USD', source: 'account', reached: null });
  return { ...account, ids };
}

/** Article requests the stub answered; the `at`-th one spends `pico` while it is in flight. */
function spendDuringRequest(accountId: number, at: number, pico: bigint) {
  let n = 0;
  stack.stub.resetCounters();
  stack.stub.setBehavior(async () => {
    if (++n === at) await spend(accountId, pico);
    return {};
  });
}

const taskOf = async (key: string, id: number) => (await call('GET', `${T}/${id}`, key)).body;
const pausedTask = (key: string, id: number) => waitFor(`task ${id} paused`, async () => ((await taskOf(key, id)).status === 'paused' ? taskOf(key, id) : undefined), 60_000);
const eventTypes = async (taskId: number) =>
  (await database.sql<{ type: string }[]>`SELECT type FROM task_events WHERE task_id = ${taskId} ORDER BY id`).map((e) => e.type);

describe('budgets pause tasks', () => {
  it('budget reached midway: new work refused 429, the task paused with nothing lost, resumed when the budget is raised', async () => {
    const { apiKey, accountId, ids } = await budgetedAccount(6, '1.5');
    spendDuringRequest(accountId, 2, 2n * PICO);
    const created = await call('POST', T, apiKey, { articleCount: 6, concurrency: 1 });
    expect(created.status, created.text).toBe(201);
    const taskId = created.body.taskId as number;

    const paused = await pausedTask(apiKey, taskId);
    expect(paused).toMatchObject({ generatedCount: 2, failedCount: 0, status: 'paused' });
    expect(paused.pauseReason).toContain('daily budget of 1.5 USD is spent (2 USD)');
    expect(stack.stub.requests.length).toBe(2);

    const refused = await call('POST', T, apiKey, { articleCount: 1 });
    expect(refused.status, refused.text).toBe(429);
    expect(refused.body.error.code).toBe('BUDGET_EXCEEDED');
    const nextMidnight = new Date(Math.floor(Date.now() / 86_400_000 + 1) * 86_400_000).toISOString();
    expect(refused.body.error.details).toEqual({ period: 'day', limit: '1.5', spent: '2', currency: 'USD', resetsAt: nextMidnight });
    const run = await call('POST', '/api/distillation-runs', apiKey, { keywords: ['budget refused'], questionsPerKeyword: 2 });
    expect(run.status, run.text).toBe(429);
    expect(run.body.error.code).toBe('BUDGET_EXCEEDED');

    // While paused: the two saved articles stay, the other four stay reserved, and every invariant holds.
    expect(await invariantViolations(database, accountId)).toEqual([]);
    const items = await database.sql<{ state: string; n: number }[]>`SELECT state, count(*)::int AS n FROM task_items WHERE task_id = ${taskId} GROUP BY state ORDER BY state`;
    expect(items.map((i) => [i.state, i.n])).toEqual([['reserved', 4], ['saved', 2]]);
    const notes = await call('GET', '/api/notifications', apiKey);
    expect(notes.body.items.map((n: any) => n.type)).toContain('task.paused');
    const pausedHook = await waitFor('task.paused webhook', async () => receiver.requests.find((r) => r.body.type === 'task.paused' && r.body.data.taskId === taskId));
    expect(pausedHook.verified).toBe(true);
    expect(pausedHook.body.data).toMatchObject({ status: 'paused', period: 'day', limit: '1.5', spent: '2', currency: 'USD' });
    const budget = await call('GET', `/api/admin/accounts/${accountId}/budget`, apiKey);
    expect(budget.body).toMatchObject({ spent: { today: '2', thisMonth: '2' }, reached: { period: 'day', limit: '1.5', spent: '2' } });
    expect(stack.stub.requests.length).toBe(2);

    const raised = await call('PUT', `/api/admin/accounts/${accountId}/budget`, apiKey, { daily: '10', monthly: null, currency: 'USD' });
    expect(raised.status, raised.text).toBe(200);
    expect(raised.body.reached).toBeNull();
    const done = await waitForTaskEnd(taskId, () => taskOf(apiKey, taskId), 60_000);
    expect(done).toMatchObject({ status: 'completed', generatedCount: 6, failedCount: 0, pauseReason: null });
    expect(stack.stub.requests.length).toBe(6);
    expect(await invariantViolations(database, accountId)).toEqual([]);
    expect([...(await distillationCounts(database, ids)).values()]).toEqual(ids.map(() => ({ usage: 1, reserved: 0 })));
    const types = await eventTypes(taskId);
    expect(types.filter((t) => t === 'task.paused' || t === 'task.resumed')).toEqual(['task.paused', 'task.resumed']);
    expect(types.filter((t) => t === 'article.saved')).toHaveLength(6);
    await waitFor('task.resumed webhook', async () => receiver.requests.find((r) => r.body.type === 'task.resumed' && r.body.data.taskId === taskId));

    if (process.env.RECORD_WORKFLOW_HISTORIES) {
      const history = await stack.worker.client.workflow.getHandle(taskWorkflowId(taskId)).fetchHistory();
      await writeFile(path.resolve(import.meta.dirname, '../fixtures/histories/v3-budget-paused-then-raised.json'), JSON.stringify(history));
    }
  }, 120_000);

  it('lanes in flight finish, every lane waits; dropping the budget resumes; a paused task can be canceled cleanly', async () => {
    const { apiKey, accountId } = await budgetedAccount(8, '1');
    spendDuringRequest(accountId, 1, PICO);
    const first = (await call('POST', T, apiKey, { articleCount: 4, concurrency: 3 })).body.taskId as number;
    const paused = await pausedTask(apiKey, first);
    // At most the three articles already in flight when the budget was reached were written: the overshoot bound.
    expect(paused.generatedCount).toBeLessThanOrEqual(3);
    expect(await invariantViolations(database, accountId)).toEqual([]);

    const dropped = await call('DELETE', `/api/admin/accounts/${accountId}/budget`, apiKey);
    expect(dropped.status, dropped.text).toBe(200);
    expect(dropped.body).toMatchObject({ source: 'default', daily: null, reached: null });
    expect(await waitForTaskEnd(first, () => taskOf(apiKey, first), 60_000)).toMatchObject({ status: 'completed', generatedCount: 4 });

    await call('PUT', `/api/admin/accounts/${accountId}/budget`, apiKey, { daily: '0.5', monthly: null, currency: 'USD' });
    const second = (await call('POST', T, apiKey, { articleCount: 4, concurrency: 2 }));
    expect(second.status).toBe(429);
    await call('PUT', `/api/admin/accounts/${accountId}/budget`, apiKey, { daily: null, monthly: '1.000000000001', currency: 'USD' });
    spendDuringRequest(accountId, 1, 1n);
    const thirdCreated = await call('POST', T, apiKey, { articleCount: 3, concurrency: 1 });
    expect(thirdCreated.status, thirdCreated.text).toBe(201);
    const third = thirdCreated.body.taskId as number;
    expect((await pausedTask(apiKey, third)).pauseReason).toContain('monthly budget of 1.000000000001 USD');
    const cancel = await call('POST', `${T}/${third}/cancel`, apiKey);
    expect(cancel.status, cancel.text).toBe(202);
    expect(await waitForTaskEnd(third, () => taskOf(apiKey, third), 60_000)).toMatchObject({ status: 'canceled', generatedCount: 1 });
    expect(await invariantViolations(database, accountId)).toEqual([]);
  }, 120_000);

  it('refuses bad budgets with 400 and another account with 403; a read key cannot set one', async () => {
    const admin = await newAccount(database, { scope: 'admin' });
    const other = await newAccount(database, { scope: 'admin' });
    const url = `/api/admin/accounts/${admin.accountId}/budget`;
    for (const body of [{ daily: '-1', monthly: null, currency: 'USD' }, { daily: '1.0000000000001', monthly: null, currency: 'USD' }, { daily: '1', monthly: null, currency: 'usd' }, { daily: '1', currency: 'USD' }, { daily: '1', monthly: null, currency: 'USD', extra: 1 }]) {
      const r = await call('PUT', url, admin.apiKey, body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.error.code).toBe('VALIDATION_ERROR');
    }
    expect((await call('GET', url, other.apiKey)).status).toBe(403);
    expect((await call('PUT', url, other.apiKey, { daily: '1', monthly: null, currency: 'USD' })).status).toBe(403);
    const reader = await newAccount(database, { scope: 'read' });
    expect((await call('PUT', `/api/admin/accounts/${reader.accountId}/budget`, reader.apiKey, { daily: '1', monthly: null, currency: 'USD' })).status).toBe(403);
    const fresh = await call('GET', url, admin.apiKey);
    expect(fresh.body).toMatchObject({ source: 'default', daily: null, monthly: null, reached: null, spent: { today: '0', thisMonth: '0' } });
  }, 60_000);
});
