import { describe, expect, it } from 'vitest';
import { createTaskWithReservations } from '../../src/domain/tasks/selection.js';
import { finishTask } from '../../src/domain/tasks/task-lifecycle.js';
import { verifyUsage } from '../../src/domain/usage/verification.js';
import { waitFor, waitForTaskEnd } from '../support/api-server.js';
import { useTestStack } from '../support/stack.js';
import { newAccount, seedDistillations } from '../support/db.js';
import { invariantViolations } from '../support/invariants.js';

/** POST /api/article-generation/tasks/cleanup over real HTTP, on tasks run by a real stack.worker. */

const stack = useTestStack({ latencyMs: 5, policy: { timeoutMs: 20_000 } });
const { database } = stack;

const CLEANUP = '/api/article-generation/tasks/cleanup';
const violations = (accountId: number) => invariantViolations(database, accountId);
const status = async (taskId: number) => (await database.sql`SELECT status FROM generation_tasks WHERE id = ${taskId}`)[0]?.status as string | undefined;

async function createTask(apiKey: string, articleCount: number) {
  const created = await stack.api.call('POST', '/api/article-generation/tasks', apiKey, { articleCount });
  expect(created.status).toBe(201);
  return created.body.taskId as number;
}
const finished = (taskId: number) =>
  waitForTaskEnd(taskId, async () => {
    const s = await status(taskId);
    return s === undefined ? undefined : { status: s };
  });
const finishedAgo = (taskId: number, interval: string) =>
  database.sql`UPDATE generation_tasks SET completed_at = now() - ${interval}::interval, updated_at = now() - ${interval}::interval WHERE id = ${taskId}`;

/** Everything cleanup must leave alone, plus what it removes, for one account. */
async function state(accountId: number) {
  const [distillations, usage, articles, tasks, items, events] = await Promise.all([
    database.sql`SELECT id, usage_count, reserved_count FROM distillations WHERE account_id = ${accountId} ORDER BY id`,
    database.sql`SELECT u.* FROM distillation_usage u JOIN distillations d ON d.id = u.distillation_id WHERE d.account_id = ${accountId} ORDER BY u.id`,
    database.sql`SELECT id, task_id FROM articles WHERE account_id = ${accountId} ORDER BY id`,
    database.sql`SELECT id, status FROM generation_tasks WHERE account_id = ${accountId} ORDER BY id`,
    database.sql`SELECT i.task_id, i.position, i.state FROM task_items i JOIN generation_tasks t ON t.id = i.task_id WHERE t.account_id = ${accountId} ORDER BY 1, 2`,
    database.sql`SELECT id, task_id FROM task_events WHERE account_id = ${accountId} ORDER BY id`,
  ]);
  return { distillations: [...distillations], usage: [...usage], articles: [...articles], tasks: [...tasks], items: [...items], events: [...events] };
}

describe('POST /api/article-generation/tasks/cleanup', () => {
  it('removes old finished tasks with their items and events, keeps usage rows, counts and (unless asked) articles', async () => {
    const { accountId, apiKey } = await newAccount(database);
    await seedDistillations(database, accountId, Array.from({ length: 8 }, () => ({})));
    const [old1, old2, young] = [await createTask(apiKey, 2), await createTask(apiKey, 1), await createTask(apiKey, 1)];
    for (const id of [old1, old2, young]) await finished(id);
    await finishedAgo(old1, '40 days');
    await finishedAgo(old2, '31 days');
    stack.stub.setBehavior(() => ({ hang: true }));
    const running = await createTask(apiKey, 1);
    await waitFor('the task to run', async () => ((await status(running)) === 'running' ? true : undefined));
    await database.sql`UPDATE generation_tasks SET updated_at = now() - interval '60 days' WHERE id = ${running}`;
    const pending = await createTaskWithReservations(database.db, accountId, { articleCount: 1 });
    await database.sql`UPDATE generation_tasks SET updated_at = now() - interval '60 days', created_at = now() - interval '60 days' WHERE id = ${pending.id}`;
    // Another account's old task is out of reach.
    const other = await newAccount(database);
    await seedDistillations(database, other.accountId, [{}]);
    const theirs = await createTaskWithReservations(database.db, other.accountId, { articleCount: 1 });
    await finishTask(database.db, theirs.id, { status: 'canceled' });
    await finishedAgo(theirs.id, '90 days');

    const before = await state(accountId);
    const removed = [old1, old2];
    const expected = {
      tasks: 2,
      items: before.items.filter((i) => removed.includes(i.task_id)).length,
      events: before.events.filter((e) => removed.includes(e.task_id)).length,
      articles: 0,
      detachedArticles: before.articles.filter((a) => removed.includes(a.task_id)).length,
      taskIds: removed,
    };
    expect(expected).toMatchObject({ items: 3, detachedArticles: 3 });
    expect(expected.events).toBeGreaterThan(0);

    const dry = await stack.api.call('POST', CLEANUP, apiKey, { olderThan: '30d' });
    expect(dry.status).toBe(200);
    expect(dry.body).toEqual({ olderThanSeconds: 30 * 86_400, dryRun: true, ...expected });
    expect(await state(accountId)).toEqual(before);

    const real = await stack.api.call('POST', CLEANUP, apiKey, { olderThan: '30d', dryRun: false });
    expect(real.body).toEqual({ olderThanSeconds: 30 * 86_400, dryRun: false, ...expected });
    const after = await state(accountId);
    expect(after.tasks.map((t) => t.id)).toEqual(before.tasks.map((t) => t.id).filter((id) => !removed.includes(id)));
    expect(after.items).toEqual(before.items.filter((i) => !removed.includes(i.task_id)));
    expect(after.events.filter((e) => removed.includes(e.task_id))).toEqual([]);
    expect(after.articles).toEqual(before.articles.map((a) => (removed.includes(a.task_id) ? { ...a, task_id: null } : a)));
    expect(after.usage).toEqual(before.usage);
    expect(after.distillations).toEqual(before.distillations);
    expect([await status(running), await status(pending.id), await status(young), await status(theirs.id)]).toEqual(['running', 'pending', 'completed', 'canceled']);
    expect(await violations(accountId)).toEqual([]);
    expect((await verifyUsage(database.db, { accountId })).discrepancies).toEqual([]);
    expect((await stack.api.call('POST', CLEANUP, apiKey, { olderThan: '30d', dryRun: false })).body).toMatchObject({ tasks: 0, taskIds: [] });

    // withArticles: the articles go too, the usage rows and counts still stay.
    await finishedAgo(young, '2 days');
    const youngArticles = after.articles.filter((a) => a.task_id === young).map((a) => a.id);
    expect(youngArticles).toHaveLength(1);
    const withArticles = { olderThan: 86_400, withArticles: true };
    const dryWith = await stack.api.call('POST', CLEANUP, apiKey, withArticles);
    expect(dryWith.body).toMatchObject({ dryRun: true, tasks: 1, articles: 1, detachedArticles: 0, taskIds: [young] });
    const realWith = await stack.api.call('POST', CLEANUP, apiKey, { ...withArticles, dryRun: false });
    expect(realWith.body).toEqual({ ...dryWith.body, dryRun: false });
    const last = await state(accountId);
    expect(last.articles.map((a) => a.id)).toEqual(after.articles.map((a) => a.id).filter((id) => !youngArticles.includes(id)));
    expect(last.usage).toEqual(before.usage);
    expect(last.distillations).toEqual(before.distillations);
    expect(await violations(accountId)).toEqual([]);
    expect(await status(theirs.id)).toBe('canceled');

    stack.stub.setBehavior(() => ({}));
    await stack.api.call('POST', `/api/article-generation/tasks/${running}/cancel`, apiKey);
  });

  it('accepts 30d, 12h, 90m, 45s or seconds, and answers 400 with the formats otherwise', async () => {
    const { apiKey } = await newAccount(database);
    for (const [olderThan, seconds] of [['30d', 2_592_000], ['12h', 43_200], ['90m', 5_400], ['45s', 45], [3600, 3600]] as const) {
      const reply = await stack.api.call('POST', CLEANUP, apiKey, { olderThan });
      expect(reply.status).toBe(200);
      expect(reply.body).toMatchObject({ olderThanSeconds: seconds, dryRun: true, tasks: 0 });
    }
    for (const olderThan of ['30 days', 'abc', -5, 1.5, 0, '0m', null, '99999999999d']) {
      const reply = await stack.api.call('POST', CLEANUP, apiKey, { olderThan });
      expect(reply.status, `olderThan ${JSON.stringify(olderThan)}`).toBe(400);
      expect(reply.body.error.message).toContain('"30d", "12h", "90m"');
    }
    const missing = await stack.api.call('POST', CLEANUP, apiKey, {});
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toContain('olderThan');
    expect((await stack.api.call('POST', CLEANUP, apiKey, { olderThan: '1d', dryRun: 'no' })).status).toBe(400);
    expect((await stack.api.call('POST', CLEANUP, 'ak_not-a-real-key-at-all', { olderThan: '1d' })).status).toBe(401);
  });
});
