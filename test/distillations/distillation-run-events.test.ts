import type { Browser } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countUnreadNotifications } from '../../src/domain/tasks/task-event-queries.js';
import { launchBrowser, newPage, submit, textOf } from '../support/browser.js';
import { waitFor } from '../support/api-server.js';
import { newAccount } from '../support/db.js';
import { keywordOf } from '../support/llm-stub.js';
import { useTestStack } from '../support/stack.js';
import { startWebhookReceiver } from '../support/webhook-receiver.js';
import { EVENTS } from '../../src/shared/events/index.js';

/** Issue 17: a finished distillation run is a webhook event (and a notification), like a task's end. */
const stack = useTestStack();
const R = '/api/distillation-runs';
const call = (method: string, path: string, key: string, body?: unknown) => stack.api.call(method, path, key, body);
let secret = '';
let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
beforeAll(async () => {
  receiver = await startWebhookReceiver(() => secret);
});
afterAll(() => receiver?.close());

async function runEnd(key: string, runId: number) {
  return waitFor(`run ${runId} to end`, async () => {
    const { body } = await call('GET', `${R}/${runId}`, key);
    return ['completed', 'failed', 'canceled'].includes(body.status) ? body : undefined;
  }, 60_000);
}

const deliveriesOfRun = (runId: number) => receiver.requests.filter((r) => r.body.type.startsWith('distillation.run.') && r.body.data.runId === runId);

describe('distillation run events', () => {
  it('each finished run (completed, failed, canceled) gets one signed webhook delivery with its counts and tokens', async () => {
    const { apiKey: key } = await newAccount(stack.database);
    const hook = await call('POST', '/api/webhooks', key, { url: receiver.url, events: ['distillation.run.completed', 'distillation.run.failed', 'distillation.run.canceled'] });
    expect(hook.status, hook.text).toBe(201);
    secret = hook.body.secret;
    stack.stub.setBehavior((req) => {
      const kw = keywordOf(req) ?? '';
      if (kw.startsWith('empty')) return { content: '[]' };
      if (kw.startsWith('slow')) return { hang: true };
      return {};
    });

    const completed = (await call('POST', R, key, { keywords: ['alpha', 'beta', 'empty one'], questionsPerKeyword: 3 })).body.id;
    const reviewed = (await call('POST', R, key, { keywords: ['gamma'], questionsPerKeyword: 2, review: true })).body.id;
    const failed = (await call('POST', R, key, { keywords: ['empty a', 'empty b'], questionsPerKeyword: 2 })).body.id;
    const canceled = (await call('POST', R, key, { keywords: ['delta', 'slow a', 'slow b'], questionsPerKeyword: 2 })).body.id;
    await waitFor('delta done', async () => ((await call('GET', `${R}/${canceled}`, key)).body.doneCount === 1 ? true : undefined));
    expect((await call('POST', `${R}/${canceled}/cancel`, key)).status).toBe(202);
    const runs = await Promise.all([completed, reviewed, failed, canceled].map((id) => runEnd(key, id)));
    await waitFor('four deliveries', async () => ([completed, reviewed, failed, canceled].every((id) => deliveriesOfRun(id).length >= 1) ? true : undefined));

    const expected = [
      { id: completed, type: 'distillation.run.completed', counts: [3, 2, 1, 0], added: 6, pending: 0 },
      { id: reviewed, type: 'distillation.run.completed', counts: [1, 1, 0, 0], added: 0, pending: 2 },
      { id: failed, type: 'distillation.run.failed', counts: [2, 0, 2, 0], added: 0, pending: 0 },
      { id: canceled, type: 'distillation.run.canceled', counts: [3, 1, 0, 2], added: 2, pending: 0 },
    ] as const;
    for (const [i, e] of expected.entries()) {
      const got = deliveriesOfRun(e.id);
      expect(got, e.type).toHaveLength(1);
      const [d] = got;
      expect(d!.verified).toBe(true);
      expect(d!.body.type).toBe(e.type);
      const data = d!.body.data;
      expect([data.keywordCount, data.doneCount, data.failedCount, data.canceledCount]).toEqual(e.counts);
      expect([data.questionsAdded, data.questionsPendingReview]).toEqual([e.added, e.pending]);
      expect([data.promptTokens, data.completionTokens]).toEqual([runs[i].promptTokens, runs[i].completionTokens]);
      expect(data.status).toBe(runs[i].status);
      expect(EVENTS[e.type].webhook.safeParse(data).success).toBe(true);
    }
    expect(deliveriesOfRun(completed)[0]!.body.data.promptTokens).toBeGreaterThan(0);
    // Exactly one outbox row per run's end, written with the run's final state.
    const rows = await stack.database.sql<{ n: number }[]>`
      SELECT count(*)::int AS n FROM webhook_deliveries WHERE webhook_id = ${hook.body.id} AND event_type LIKE 'distillation.run.%'`;
    expect(rows[0]!.n).toBe(4);
    // And one notification row per run, of the run and no task.
    const notes = await stack.database.sql<{ run_id: number; n: number }[]>`
      SELECT run_id, count(*)::int AS n FROM task_events WHERE type = 'distillation.finished' AND task_id IS NULL
        AND run_id IN ${stack.database.sql([completed, reviewed, failed, canceled])} GROUP BY run_id ORDER BY run_id`;
    expect(notes).toEqual([completed, reviewed, failed, canceled].sort((a, b) => a - b).map((run_id) => ({ run_id, n: 1 })));
  });

  it('a finished run is one notification (title with the run and its counts), in the badge, markable read; hidden when unticked', async () => {
    const { apiKey: key, accountId } = await newAccount(stack.database);
    const other = await newAccount(stack.database);
    stack.stub.setBehavior((req) => ((keywordOf(req) ?? '').startsWith('empty') ? { content: '[]' } : {}));
    const settings = await call('GET', '/api/notifications/settings', key);
    expect(settings.body.defaults).toContain('distillation.finished');
    expect(settings.body.available).toContain('distillation.finished');
    // The other account unticks the kind: it records the run's end but does not show it.
    const unticked = settings.body.defaults.filter((t: string) => t !== 'distillation.finished');
    expect((await call('PUT', '/api/notifications/settings', other.apiKey, { types: unticked })).body.types).not.toContain('distillation.finished');

    const runId = (await call('POST', R, key, { keywords: ['epsilon', 'zeta', 'empty c'], questionsPerKeyword: 2 })).body.id;
    const otherRun = (await call('POST', R, other.apiKey, { keywords: ['eta'], questionsPerKeyword: 2 })).body.id;
    await runEnd(key, runId);
    await runEnd(other.apiKey, otherRun);

    const list = await call('GET', '/api/notifications', key);
    expect(list.status).toBe(200);
    expect(list.body.items).toHaveLength(1);
    const [n] = list.body.items;
    expect(n).toMatchObject({ type: 'distillation.finished', taskId: null, runId, readAt: null, data: { runId, status: 'completed', doneCount: 2, failedCount: 1, questionsAdded: 4 } });
    expect(n.title).toBe(`Distillation run ${runId} completed: 2 of 3 keywords done, 1 failed; 4 questions added`);
    expect(list.body.unreadCount).toBe(1);
    expect(await countUnreadNotifications(stack.database.db, accountId)).toBe(1);

    // In the console: the badge, the row linking to the run, the kind's box.
    const browser: Browser = await launchBrowser();
    try {
      const page = await newPage(browser);
      await page.goto(`${stack.api.url}/sign-in`, { waitUntil: 'domcontentloaded' });
      await page.type('#api-key', key);
      await submit(page, 'form[action="/sign-in"] button');
      await page.goto(`${stack.api.url}/notifications`, { waitUntil: 'domcontentloaded' });
      expect(await textOf(page, '#unread-badge')).toBe('1');
      const row = await textOf(page, `#notifications tr[data-notification="${n.id}"]`);
      expect(row).toContain(`Distillation run ${runId}`);
      expect(row).toContain('Distillation finished');
      expect(row).toContain('2 of 3 keywords done, 1 failed, 0 canceled');
      expect(await page.$(`#notifications a[href="/distillations/runs/${runId}"]`)).not.toBeNull();
      expect(await page.$eval('#notification-kinds input[value="distillation.finished"]', (el: any) => el.checked as boolean)).toBe(true);
      const zh = await newPage(browser, 'zh');
      await zh.goto(`${stack.api.url}/sign-in`, { waitUntil: 'domcontentloaded' });
      await zh.type('#api-key', key);
      await submit(zh, 'form[action="/sign-in"] button');
      await zh.goto(`${stack.api.url}/notifications`, { waitUntil: 'domcontentloaded' });
      const zhRow = await textOf(zh, `#notifications tr[data-notification="${n.id}"]`);
      expect(zhRow).toContain(`蒸馏任务 ${runId}`);
      expect(zhRow).toContain('关键词蒸馏结束');
      expect(zhRow).toContain('完成 2/3 个关键词');
    } finally {
      await browser.close();
    }

    const read = await call('POST', `/api/notifications/${n.id}/read`, key);
    expect(read.status).toBe(200);
    expect(read.body.readAt).not.toBeNull();
    expect((await call('GET', '/api/notifications', key)).body.unreadCount).toBe(0);
    expect(await countUnreadNotifications(stack.database.db, accountId)).toBe(0);

    // A second run's notification, marked read with the rest.
    const second = (await call('POST', R, key, { keywords: ['theta'], questionsPerKeyword: 1 })).body.id;
    await runEnd(key, second);
    expect((await call('GET', '/api/notifications?unread=true', key)).body.items.map((i: { runId: number }) => i.runId)).toEqual([second]);
    expect((await call('POST', '/api/notifications/read-all', key)).body.updated).toBe(1);

    // The unticked account: nothing shown, nothing counted, though the row exists; ticking it back shows it.
    const hidden = await call('GET', '/api/notifications', other.apiKey);
    expect([hidden.body.items.length, hidden.body.unreadCount]).toEqual([0, 0]);
    expect(await countUnreadNotifications(stack.database.db, other.accountId)).toBe(0);
    const [stored] = await stack.database.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM task_events WHERE run_id = ${otherRun} AND task_id IS NULL AND type = 'distillation.finished'`;
    expect(stored!.n).toBe(1);
    await call('PUT', '/api/notifications/settings', other.apiKey, { types: null });
    expect((await call('GET', '/api/notifications', other.apiKey)).body.items.map((i: { runId: number }) => i.runId)).toEqual([otherRun]);
  });
});
