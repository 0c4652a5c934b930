import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webhookDeliveryWorkflowId } from '../../src/temporal/webhook-deliveries.js';
import { waitFor } from '../support/api-server.js';
import { newAccount } from '../support/db.js';
import { replayWithCurrentCode } from '../support/replay.js';
import { useTestStack } from '../support/stack.js';
import { startWebhookReceiver } from '../support/webhook-receiver.js';
import { expectPayloadsMatchVocabulary } from '../support/task-event-checks.js';

/**
 * Webhooks through the front door on the real stack: the API, a worker on the Temporal dev server,
 * PostgreSQL, and a loopback receiver that verifies every signature the Standard Webhooks way.
 */
const stack = useTestStack();
let secret = '';
/** The test event fails twice with 500, then is accepted; everything else is accepted at once. */
let testEventAnswers = 0;
let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;

beforeAll(async () => {
  receiver = await startWebhookReceiver(
    () => secret,
    (_, id) => (id === testMessageId && ++testEventAnswers <= 2 ? 500 : 200),
  );
});
afterAll(() => receiver?.close());
let testMessageId = '';

const deliveriesOf = async (key: string, query: string) => (await stack.api.call('GET', `/api/webhook-deliveries${query}`, key)).body;
const settled = (key: string, query: string, n: number) =>
  waitFor(`${n} settled deliveries for ${query}`, async () => {
    const page = await deliveriesOf(key, query);
    const done = page.deliveries.filter((d: { status: string }) => d.status !== 'pending');
    return done.length >= n ? page.deliveries : undefined;
  });

describe('webhooks', () => {
  it('a test event fails twice, then is accepted: one delivery, three attempts, every signature valid', async () => {
    const { apiKey: key, accountId } = await newAccount(stack.database);
    const created = await stack.api.call('POST', '/api/webhooks', key, { url: receiver.url, events: ['task.completed', 'article.saved'] });
    expect(created.status, created.text).toBe(201);
    secret = created.body.secret;
    expect(secret).toMatch(/^whsec_/);
    expect(Buffer.from(secret.slice(6), 'base64')).toHaveLength(32);
    const listed = await stack.api.call('GET', '/api/webhooks', key);
    expect(listed.body).toMatchObject({ total: 1, webhooks: [{ id: created.body.id, url: receiver.url, events: ['task.completed', 'article.saved'] }] });
    expect(listed.text).not.toContain(secret.slice(6));
    // At rest the secret is sealed with the payload key ring, never in clear.
    const [stored] = await stack.database.sql<{ secret: string }[]>`SELECT secret FROM webhooks WHERE id = ${created.body.id}`;
    expect(stored!.secret).toMatch(/^sealed:v1:test-new:/);
    expect(stored!.secret).not.toContain(secret.slice(6));

    const sent = await stack.api.call('POST', `/api/webhooks/${created.body.id}/test`, key);
    expect(sent.status, sent.text).toBe(202);
    testMessageId = sent.body.messageId;
    const [delivery] = await settled(key, `?webhookId=${created.body.id}`, 1);
    expect(delivery).toMatchObject({ id: sent.body.id, eventType: 'webhook.test', status: 'succeeded', attemptCount: 3, lastResponseStatus: 200, lastError: null });
    expect(delivery.attempts.map((a: { attempt: number; status: string; responseStatus: number; error: string | null }) => [a.attempt, a.status, a.responseStatus, a.error])).toEqual([
      [1, 'failed', 500, 'the endpoint answered HTTP 500'],
      [2, 'failed', 500, 'the endpoint answered HTTP 500'],
      [3, 'succeeded', 200, null],
    ]);
    const seen = receiver.requests.filter((r) => r.id === testMessageId);
    expect(seen.map((r) => [r.verified, r.answeredStatus])).toEqual([[true, 500], [true, 500], [true, 200]]);
    expect(seen[0]!.body).toMatchObject({ type: 'webhook.test', data: { webhookId: created.body.id } });

    // Its workflow's history joins the replay fixtures (RECORD_WORKFLOW_HISTORIES=1), and replays now.
    const history = await stack.worker.client.workflow.getHandle(webhookDeliveryWorkflowId(sent.body.id, 0)).fetchHistory();
    await replayWithCurrentCode(history, 'webhook delivery');
    if (process.env.RECORD_WORKFLOW_HISTORIES) {
      await writeFile(path.resolve(import.meta.dirname, '../fixtures/histories/webhook-delivery-two-500s-then-200.json'), JSON.stringify(history));
    }

    // Redelivery: the same webhook-id again, so the receiver can tell it is not news.
    const again = await stack.api.call('POST', `/api/webhook-deliveries/${sent.body.id}/redeliver`, key);
    expect(again.status, again.text).toBe(202);
    await waitFor('the redelivery', async () => (receiver.requests.filter((r) => r.id === testMessageId).length === 4 ? true : undefined));
    const [redelivered] = await settled(key, `?webhookId=${created.body.id}`, 1);
    expect(redelivered).toMatchObject({ status: 'succeeded', attemptCount: 4 });
    expect(receiver.processed.has(testMessageId)).toBe(true);

    const del = await stack.api.call('DELETE', `/api/webhooks/${created.body.id}`, key);
    expect(del.status).toBe(200);
    expect((await stack.api.call('GET', '/api/webhooks', key)).body.total).toBe(0);
    expect((await stack.api.call('POST', `/api/webhooks/${created.body.id}/test`, key)).status).toBe(404);
    expect((await expectPayloadsMatchVocabulary(stack.database, accountId)).types).toEqual(['webhook.test']);
  });

  it('a finished task sends task.completed and article.saved, each once, from the outbox in its transactions', async () => {
    const { apiKey: key, accountId } = await newAccount(stack.database);
    const hook = await stack.api.call('POST', '/api/webhooks', key, { url: receiver.url, events: ['task.completed', 'task.failed', 'article.saved'] });
    secret = hook.body.secret;
    await stack.api.call('POST', '/api/distillations/import', key, { distillations: [{ keyword: 'hooks a', topics: ['Why?'] }, { keyword: 'hooks b', topics: ['How?'] }] });
    const task = await stack.api.call('POST', '/api/article-generation/tasks', key, { articleCount: 2 });
    expect(task.status, task.text).toBe(201);
    const deliveries = await settled(key, `?webhookId=${hook.body.id}`, 3);
    expect(deliveries.map((d: { eventType: string }) => d.eventType).sort()).toEqual(['article.saved', 'article.saved', 'task.completed']);
    expect(deliveries.every((d: { status: string; attemptCount: number }) => d.status === 'succeeded' && d.attemptCount === 1)).toBe(true);
    const got = receiver.requests.filter((r) => deliveries.some((d: { messageId: string }) => d.messageId === r.id));
    expect(got).toHaveLength(3);
    expect(got.every((r) => r.verified)).toBe(true);
    const completed = got.find((r) => r.body.type === 'task.completed')!;
    expect(completed.body.data).toMatchObject({ taskId: task.body.taskId, status: 'completed', generatedCount: 2 });
    expect(got.filter((r) => r.body.type === 'article.saved').map((r) => r.body.data.position).sort()).toEqual([0, 1]);

    const filtered = await stack.api.call('GET', '/api/webhook-deliveries?status=failed', key);
    expect(filtered.body.total).toBe(0);
    const bad = await stack.api.call('GET', '/api/webhook-deliveries?status=lost', key);
    expect(bad.status).toBe(400);
    // Deliveries written in the save's SQL hold what the event vocabulary says.
    expect((await expectPayloadsMatchVocabulary(stack.database, accountId)).types).toEqual(expect.arrayContaining(['article.saved', 'task.completed']));
  });

  it('a task that leaves articles for review sends review.needed; approving one sends article.approved', async () => {
    const { apiKey: key, accountId } = await newAccount(stack.database);
    const hook = await stack.api.call('POST', '/api/webhooks', key, { url: receiver.url, events: ['review.needed', 'article.approved'] });
    secret = hook.body.secret;
    await stack.api.call('POST', '/api/distillations', key, { keyword: 'hooks review', topics: ['Why?'] });
    const task = await stack.api.call('POST', '/api/article-generation/tasks', key, { articleCount: 1, autoApprove: false });
    expect(task.status, task.text).toBe(201);
    const [needed] = await settled(key, `?webhookId=${hook.body.id}`, 1);
    expect(needed.eventType).toBe('review.needed');
    const articles = await stack.api.call('GET', `/api/articles?taskId=${task.body.taskId}`, key);
    const articleId = articles.body.articles[0].id as number;
    const approved = await stack.api.call('POST', `/api/articles/${articleId}/approve`, key);
    expect(approved.body.changed).toBe(true);
    const deliveries = await settled(key, `?webhookId=${hook.body.id}`, 2);
    expect(deliveries.map((d: { eventType: string }) => d.eventType).sort()).toEqual(['article.approved', 'review.needed']);
    const got = receiver.requests.find((r) => r.body.type === 'article.approved' && r.body.data.articleId === articleId)!;
    expect(got.verified).toBe(true);
    expect(got.body.data).toMatchObject({ taskId: task.body.taskId, position: 0, reviewStatus: 'approved' });
    // Approving again changes nothing and sends nothing.
    await stack.api.call('POST', `/api/articles/${articleId}/approve`, key);
    expect((await deliveriesOf(key, `?webhookId=${hook.body.id}`)).total).toBe(2);
    expect((await expectPayloadsMatchVocabulary(stack.database, accountId)).types).toEqual(expect.arrayContaining(['article.approved', 'review.needed']));
  });

  it('refuses bad input with what to fix', async () => {
    const { apiKey: key } = await newAccount(stack.database);
    const cases: [unknown, string][] = [
      [{ url: receiver.url, events: ['task.exploded'] }, 'VALIDATION_ERROR'],
      [{ url: receiver.url, events: [] }, 'VALIDATION_ERROR'],
      [{ url: 'ftp://example.com/x', events: ['task.completed'] }, 'WEBHOOK_TARGET_NOT_ALLOWED'],
      [{ url: 'not a url', events: ['task.completed'] }, 'WEBHOOK_TARGET_NOT_ALLOWED'],
      [{ url: receiver.url, events: ['task.completed'], secret: 'hunter2' }, 'INVALID_WEBHOOK_SECRET'],
      [{ url: receiver.url, events: ['task.completed'], secret: `whsec_${Buffer.alloc(8).toString('base64')}` }, 'INVALID_WEBHOOK_SECRET'],
    ];
    for (const [body, code] of cases) {
      const r = await stack.api.call('POST', '/api/webhooks', key, body);
      expect(r.status, r.text).toBe(400);
      expect(r.body.error.code).toBe(code);
    }
    const chosen = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
    const ok = await stack.api.call('POST', '/api/webhooks', key, { url: receiver.url, events: ['review.needed'], secret: chosen });
    expect(ok.body.secret).toBe(chosen);
  });
});
