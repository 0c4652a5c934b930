import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { enqueueWebhookEvent } from '../../src/domain/webhooks/index.js';
import type { TemporalHandles } from '../../src/temporal/connect.js';
import { startApiServer, waitFor } from '../support/api-server.js';
import { useCrashStack } from '../support/crash-stack.js';
import { newAccount } from '../support/db.js';
import { startWebhookReceiver } from '../support/webhook-receiver.js';

/**
 * Webhook delivery survives kill -9 of the worker mid-request: the attempt's activity times out and a
 * new worker sends it again with the same webhook-id; and a delivery whose start was lost is started by
 * the sweeper. At least once, never lost; the receiver deduplicates.
 */
const crash = useCrashStack('hook-crash', () => ({
  WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
  WEBHOOK_TIMEOUT_MS: '2000',
  WEBHOOK_RETRY_INITIAL_MS: '200',
  RECONCILE_INTERVAL_SECONDS: '5',
}));
const { workers } = crash;
let database: Database;
let temporal: TemporalHandles;
let api: Awaited<ReturnType<typeof startApiServer>>;
let secret = '';
let releaseFirst: (status: number) => void = () => undefined;
const firstHeld = new Promise<number>((resolve) => (releaseFirst = resolve));
let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;

beforeAll(async () => {
  ({ database, temporal } = crash);
  api = await startApiServer(database, { client: temporal.client, taskQueue: crash.queues.TASK_QUEUE });
  // The first request is held until its worker is dead; every later one is accepted.
  receiver = await startWebhookReceiver(() => secret, (n) => (n === 1 ? firstHeld : 200));
});

afterAll(async () => {
  releaseFirst(200);
  await api?.close();
  await receiver?.close();
});

it('kill -9 during a delivery, and a delivery never started: both arrive, the same webhook-id each time', async () => {
  const { apiKey: key, accountId } = await newAccount(database);
  const hook = await api.call('POST', '/api/webhooks', key, { url: receiver.url, events: ['review.needed'] });
  expect(hook.status, hook.text).toBe(201);
  secret = hook.body.secret;

  const first = await workers.start();
  const sent = await api.call('POST', `/api/webhooks/${hook.body.id}/test`, key);
  expect(sent.status, sent.text).toBe(202);
  await waitFor('the first request at the receiver', async () => (receiver.requests.length >= 1 ? true : undefined));
  await workers.crash(first);
  releaseFirst(200);

  // An event committed while no one started its workflow (a crash right after the commit): the sweeper's.
  const [orphan] = await enqueueWebhookEvent(database.db, accountId, 'review.needed', { taskId: 1, pendingReviewCount: 2 });
  await database.sql`UPDATE webhook_deliveries SET created_at = now() - interval '1 minute' WHERE id = ${orphan!}`;

  await workers.start();
  const deliveries = await waitFor(
    'both deliveries succeeded',
    async () => {
      const page = (await api.call('GET', `/api/webhook-deliveries?webhookId=${hook.body.id}`, key)).body;
      return page.deliveries.length === 2 && page.deliveries.every((d: { status: string }) => d.status === 'succeeded') ? page.deliveries : undefined;
    },
    90_000,
  );
  const test = deliveries.find((d: { id: number }) => d.id === sent.body.id);
  const swept = deliveries.find((d: { id: number }) => d.id === orphan);
  const testRequests = receiver.requests.filter((r) => r.id === test.messageId);
  expect(testRequests.length).toBeGreaterThanOrEqual(2);
  expect(testRequests.every((r) => r.verified)).toBe(true);
  // The attempt in flight at the crash left no log row; the one that succeeded is a later attempt.
  expect(test.attempts.at(-1)).toMatchObject({ status: 'succeeded', responseStatus: 200 });
  expect(test.attempts.at(-1).attempt).toBeGreaterThanOrEqual(2);
  expect(receiver.requests.filter((r) => r.id === swept.messageId).map((r) => r.body)).toEqual([
    { type: 'review.needed', timestamp: expect.any(String), data: { taskId: 1, pendingReviewCount: 2 } },
  ]);
  expect([...receiver.processed].sort()).toEqual([test.messageId, swept.messageId].sort());
}, 150_000);
