import { describe, expect, it } from 'vitest';
import { notificationTitle } from '../../src/domain/tasks/task-event-queries.js';
import { callJson, type JsonReply } from '../support/api-server.js';
import { newAccount, seedDistillations } from '../support/db.js';
import { openSse, readUntilEnd } from '../support/sse.js';
import { useTestStack } from '../support/stack.js';

/** /api/notifications end to end: notifications come from the events of a task the real worker ran. */

const stack = useTestStack({ policy: {} });
const { database } = stack;

const call = (method: string, path: string, key: string | null, json?: unknown) => callJson(stack.api.url, method, path, key, json);

function expectError(reply: JsonReply, status: number, code: string) {
  expect({ status: reply.status, code: reply.body?.error?.code }, reply.text).toEqual({ status, code });
  expect(reply.body.error.message.length).toBeGreaterThan(0);
}

/** An account whose 4-article task ran to completion (concurrency 1, so each milestone appears once). */
async function accountWithFinishedTask() {
  const { accountId, apiKey } = await newAccount(database);
  await seedDistillations(database, accountId, [{ keyword: 'n1' }, { keyword: 'n2' }, { keyword: 'n3' }, { keyword: 'n4' }]);
  const created = await call('POST', '/api/article-generation/tasks', apiKey, { articleCount: 4, concurrency: 1 });
  expect(created.status, created.text).toBe(201);
  const taskId = created.body.taskId as number;
  const events = await readUntilEnd(await openSse(`${stack.api.url}/api/article-generation/tasks/${taskId}/events`, { authorization: `Bearer ${apiKey}` }));
  expect(events.at(-1)?.event).toBe('task.completed');
  return { accountId, apiKey, taskId };
}

/** Every kind on, progress milestones included (they are off by default). */
async function notifyOfEverything(apiKey: string) {
  const all = ['task.started', 'task.progress', 'review.needed', 'task.completed', 'task.failed', 'task.canceled'];
  const r = await call('PUT', '/api/notifications/settings', apiKey, { types: all });
  expect(r.status, r.text).toBe(200);
  expect(r.body.types).toEqual(all);
}

describe('notifications', () => {
  it('by default notify of a task starting and ending, not of its progress milestones; an account chooses its kinds', async () => {
    const { apiKey, taskId } = await accountWithFinishedTask();
    const list = await call('GET', '/api/notifications', apiKey);
    expect(list.body).toMatchObject({ total: 2, unreadCount: 2 });
    expect(list.body.items.map((n: any) => n.type)).toEqual(['task.completed', 'task.started']);

    const settings = await call('GET', '/api/notifications/settings', apiKey);
    expect(settings.status, settings.text).toBe(200);
    expect(settings.body.types).not.toContain('task.progress');
    expect(settings.body.defaults).toEqual(settings.body.types);
    expect(settings.body.available).toContain('task.progress');

    // Only completions: the badge and the list follow at once, for events already there too.
    const only = await call('PUT', '/api/notifications/settings', apiKey, { types: ['task.completed'] });
    expect(only.body.types).toEqual(['task.completed']);
    expect((await call('GET', '/api/notifications', apiKey)).body.items.map((n: any) => [n.type, n.taskId])).toEqual([['task.completed', taskId]]);

    expectError(await call('PUT', '/api/notifications/settings', apiKey, { types: ['task.saved'] }), 400, 'VALIDATION_ERROR');
    expectError(await call('PUT', '/api/notifications/settings', apiKey, { types: 'task.completed' }), 400, 'VALIDATION_ERROR');
    const reader = await newAccount(database, { scope: 'read' });
    expectError(await call('PUT', '/api/notifications/settings', reader.apiKey, { types: [] }), 403, 'FORBIDDEN_SCOPE');
    // null: back to the defaults.
    expect((await call('PUT', '/api/notifications/settings', apiKey, { types: null })).body.types).toEqual(settings.body.defaults);
  });

  it("lists a finished task's started, 25/50/75 % and completed notifications, newest first, for its account only", async () => {
    const { apiKey, taskId } = await accountWithFinishedTask();
    await notifyOfEverything(apiKey);
    const list = await call('GET', '/api/notifications', apiKey);
    expect(list.status, list.text).toBe(200);
    expect(list.body).toMatchObject({ page: 1, pageSize: 20, total: 5, unreadCount: 5 });
    const items = list.body.items as any[];
    expect(items.map((n) => [n.type, n.data.milestone ?? null])).toEqual([
      ['task.completed', null],
      ['task.progress', 75],
      ['task.progress', 50],
      ['task.progress', 25],
      ['task.started', null],
    ]);
    expect(items.map((n) => n.title)).toEqual([
      `Task ${taskId} completed: 4 of 4 articles`,
      `Task ${taskId} is 75% done: 3 of 4 articles written`,
      `Task ${taskId} is 50% done: 2 of 4 articles written`,
      `Task ${taskId} is 25% done: 1 of 4 articles written`,
      `Task ${taskId} started: 4 articles`,
    ]);
    for (const n of items) {
      // runId: a distillation run's notification names its run instead of a task (issue 17); null here.
      expect(Object.keys(n).sort()).toEqual(['createdAt', 'data', 'id', 'readAt', 'runId', 'taskId', 'title', 'type']);
      expect(n).toMatchObject({ taskId, runId: null, readAt: null });
    }
    expect(items.map((n) => n.id)).toEqual(items.map((n) => n.id).sort((a, b) => b - a));

    const page2 = await call('GET', '/api/notifications?page=2&pageSize=2', apiKey);
    expect(page2.body).toMatchObject({ page: 2, pageSize: 2, total: 5 });
    expect(page2.body.items.map((n: any) => n.id)).toEqual(items.slice(2, 4).map((n) => n.id));

    const other = await newAccount(database);
    await notifyOfEverything(other.apiKey);
    const foreign = await call('GET', '/api/notifications', other.apiKey);
    expect(foreign.body).toEqual({ items: [], page: 1, pageSize: 20, total: 0, unreadCount: 0 });
    expect((await call('POST', '/api/notifications/read-all', other.apiKey)).body).toEqual({ updated: 0 });
    expect((await call('GET', '/api/notifications', apiKey)).body.unreadCount).toBe(5);
  });

  it('filters by unread, marks one read (idempotently) and all read', async () => {
    const { apiKey } = await accountWithFinishedTask();
    await notifyOfEverything(apiKey);
    const all = (await call('GET', '/api/notifications', apiKey)).body.items as any[];
    expect((await call('GET', '/api/notifications?unread=true', apiKey)).body).toMatchObject({ total: 5, unreadCount: 5 });
    expect((await call('GET', '/api/notifications?unread=false', apiKey)).body).toMatchObject({ items: [], total: 0, unreadCount: 5 });

    const target = all[1];
    const marked = await call('POST', `/api/notifications/${target.id}/read`, apiKey);
    expect(marked.status, marked.text).toBe(200);
    expect(marked.body).toMatchObject({ id: target.id, type: target.type, title: target.title, readAt: expect.any(String) });
    const again = await call('POST', `/api/notifications/${target.id}/read`, apiKey);
    expect(again.body.readAt).toBe(marked.body.readAt);

    const unread = (await call('GET', '/api/notifications?unread=true', apiKey)).body;
    expect(unread).toMatchObject({ total: 4, unreadCount: 4 });
    expect(unread.items.map((n: any) => n.id)).not.toContain(target.id);
    const read = (await call('GET', '/api/notifications?unread=false', apiKey)).body;
    expect(read).toMatchObject({ total: 1, unreadCount: 4 });
    expect(read.items).toEqual([marked.body]);

    expect((await call('POST', '/api/notifications/read-all', apiKey)).body).toEqual({ updated: 4 });
    expect((await call('POST', '/api/notifications/read-all', apiKey)).body).toEqual({ updated: 0 });
    const after = (await call('GET', '/api/notifications', apiKey)).body;
    expect(after).toMatchObject({ total: 5, unreadCount: 0 });
    for (const n of after.items) expect(n.readAt).not.toBeNull();
    expect(after.items.find((n: any) => n.id === target.id).readAt).toBe(marked.body.readAt);
  });

  it("404 for another account's notification or a non-notification event; 400 for bad queries and ids; 401 without a key", async () => {
    const { apiKey, taskId } = await accountWithFinishedTask();
    const [saved] = await database.sql<{ id: number }[]>`
      SELECT id::int AS id FROM task_events WHERE task_id = ${taskId} AND type = 'article.saved' ORDER BY id LIMIT 1`;
    expectError(await call('POST', `/api/notifications/${saved!.id}/read`, apiKey), 404, 'NOT_FOUND');
    const [started] = (await call('GET', '/api/notifications', apiKey)).body.items.slice(-1);
    const other = await newAccount(database);
    expectError(await call('POST', `/api/notifications/${started.id}/read`, other.apiKey), 404, 'NOT_FOUND');
    expect((await call('GET', '/api/notifications?unread=false', apiKey)).body.total).toBe(0);
    expectError(await call('POST', '/api/notifications/999999999999/read', apiKey), 404, 'NOT_FOUND');

    for (const q of ['unread=yes', 'page=0', 'pageSize=101', 'pageSize=abc']) {
      const r = await call('GET', `/api/notifications?${q}`, apiKey);
      expectError(r, 400, 'VALIDATION_ERROR');
      expect(r.body.error.message).toContain(q.split('=')[0]!);
    }
    for (const id of ['abc', '0', '-1', '9007199254740992']) {
      expectError(await call('POST', `/api/notifications/${id}/read`, apiKey), 400, 'INVALID_ID');
    }
    expectError(await call('GET', '/api/notifications', null), 401, 'UNAUTHENTICATED');
    expectError(await call('POST', '/api/notifications/read-all', null), 401, 'UNAUTHENTICATED');
  });
});

describe('notification titles', () => {
  it('state the real progress, not the milestone crossed (issue 8 item 19: "75% done: 2 of 2")', () => {
    // Two articles saved at once: progress jumps from 50 to 100 and the last milestone crossed is 75.
    const jumped = { milestone: 75, progress: 100, requestedCount: 2, generatedCount: 2, failedCount: 0, skippedCount: 0 };
    expect(notificationTitle(7, 'task.progress', jumped)).toBe('Task 7 is 100% done: 2 of 2 articles written');
    const withFailures = { milestone: 75, progress: 75, requestedCount: 4, generatedCount: 1, failedCount: 1, skippedCount: 1 };
    expect(notificationTitle(7, 'task.progress', withFailures)).toBe('Task 7 is 75% done: 3 of 4 articles handled (1 written, 1 failed, 1 skipped)');
  });
});
