import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.js';
import type { TemporalHandles } from '../../src/temporal/connect.js';
import { webhookDeliveryWorkflowId } from '../../src/temporal/webhook-deliveries.js';
import { startApiServer, waitFor } from '../support/api-server.js';
import { useCrashStack } from '../support/crash-stack.js';
import { newAccount } from '../support/db.js';
import { saveTestArticles } from '../support/drafts.js';
import { startWebhookReceiver, TEST_WEBHOOK_SETTINGS } from '../support/webhook-receiver.js';

/**
 * A publication waiting for its slot survives kill -9 of the worker: the wait is a Temporal timer, not a
 * process's sleep, so a new worker sends it at its slot, once. A publishing "minute" lasts one second here.
 */
const INTERVAL_SECONDS = 15;
const crash = useCrashStack('publish-crash', () => ({ WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true', WEBHOOK_RETRY_INITIAL_MS: '200' }));
const { workers } = crash;
let database: Database;
let temporal: TemporalHandles;
let api: Awaited<ReturnType<typeof startApiServer>>;
let secret = '';
let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;

beforeAll(async () => {
  ({ database, temporal } = crash);
  api = await startApiServer(database, { client: temporal.client, taskQueue: crash.queues.TASK_QUEUE }, { webhooks: { ...TEST_WEBHOOK_SETTINGS, publishingMinuteSeconds: 1 } });
  receiver = await startWebhookReceiver(() => secret);
});

afterAll(async () => {
  await api?.close();
  await receiver?.close();
});

it('kill -9 while a publication waits for its slot: a new worker sends it at its slot, once', async () => {
  const { apiKey: key, accountId } = await newAccount(database);
  const hook = await api.call('POST', '/api/webhooks', key, { url: receiver.url, events: ['review.needed'] });
  expect(hook.status, hook.text).toBe(201);
  secret = hook.body.secret;
  expect((await api.call('PUT', '/api/publishing', key, { webhookId: hook.body.id, intervalMinutes: INTERVAL_SECONDS })).status).toBe(200);
  const [a, b] = await saveTestArticles(database, accountId, 2);

  const first = await workers.start();
  expect((await api.call('POST', '/api/articles/review', key, { action: 'approve', ids: [a, b] })).body.changed).toBe(2);
  const [now, later] = ((await api.call('GET', '/api/webhook-deliveries', key)).body.deliveries as { id: number; messageId: string; notBefore: string }[]).sort((x, y) => x.id - y.id);
  expect(Date.parse(later!.notBefore) - Date.parse(now!.notBefore)).toBe(INTERVAL_SECONDS * 1000);
  await waitFor('the first publication at the receiver', async () => (receiver.processed.has(now!.messageId) ? true : undefined));
  const waiting = temporal.client.workflow.getHandle(webhookDeliveryWorkflowId(later!.id, 0));
  await waitFor('the second publication asleep until its slot', async () => ((await waiting.fetchHistory()).events!.some((e) => e.timerStartedEventAttributes) ? true : undefined));
  expect(receiver.requests.filter((r) => r.id === later!.messageId)).toEqual([]);
  await workers.crash(first);

  await workers.start();
  const delivered = await waitFor(
    'the second publication sent by the new worker',
    async () => {
      const page = (await api.call('GET', '/api/webhook-deliveries', key)).body;
      const d = page.deliveries.find((x: { id: number }) => x.id === later!.id);
      return d.status === 'succeeded' ? d : undefined;
    },
    120_000,
  );
  expect(delivered.attempts.map((x: { attempt: number; status: string }) => [x.attempt, x.status])).toEqual([[1, 'succeeded']]);
  const requests = receiver.requests.filter((r) => r.id === later!.messageId);
  expect(requests).toHaveLength(1);
  expect(requests[0]!.verified).toBe(true);
  expect(requests[0]!.body.data.articleId).toBe(b);
  expect(requests[0]!.receivedAt).toBeGreaterThanOrEqual(Date.parse(later!.notBefore));
  expect([...receiver.processed].sort()).toEqual([now!.messageId, later!.messageId].sort());
}, 180_000);
