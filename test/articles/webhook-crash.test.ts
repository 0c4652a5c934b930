import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { connectDatabase, type Database } from '../../src/db/client.js';
import { enqueueWebhookEvent } from '../../src/domain/webhooks/index.js';
import { connectTemporal, type TemporalHandles } from '../../src/temporal/connect.js';
import { startApiServer, waitFor } from '../support/api-server.js';
import { createIsolatedDatabase, newAccount } from '../support/db.js';
import { TEST_PAYLOAD_CODEC } from '../support/payload-codec.js';
import { startWebhookReceiver } from '../support/webhook-receiver.js';
import { workerProcesses } from '../support/worker-process.js';

/**
 * Webhook delivery survives kill -9 of the worker mid-request: the attempt's activity times out and a
 * new worker sends it again with the same webhook-id; and a delivery whose start was lost is started by
 * the sweeper. At least once, never lost; the receiver deduplicates.
 */
const suffix = randomUUID().slice(0, 8);
const queues = { TASK_QUEUE: `hook-crash-tasks-${suffix}`, LLM_TASK_QUEUE: `hook-crash-llm-${suffix}`, USAGE_VERIFY_SCHEDULE_ID: `hook-crash-usage-${suffix}` };
let database: Database;
let databaseUrl: string;
let temporal: TemporalHandles;
let api: Awaited<ReturnType<typeof startApiServer>>;
let secret = '';
let releaseFirst: (status: number) => void = () => undefined;
const firstHeld = new Promise<number>((resolve) => (releaseFirst = resolve));
let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
const workers = workerProcesses(() => ({
  ...queues,
  DATABASE_URL: databaseUrl,
  TEMPORAL_ADDRESS: inject('temporalAddress'),
  WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
  WEBHOOK_TIMEOUT_MS: '2000',
  WEBHOOK_RETRY_INITIAL_MS: '200',
  RECONCILE_INTERVAL_SECONDS: '5',
  LOG_LEVEL: 'info',
}));

beforeAll(async () => {
  databaseUrl = await createIsolatedDatabase(`artgen_hook_crash_${suffix}`);
  database = connectDatabase(databaseUrl, { max: 3 });
  // Delivery workflow ids (webhook-delivery-<id>-<generation>) share the Temporal server with the main test database.
  await database.sql`ALTER TABLE webhook_deliveries ALTER COLUMN id RESTART WITH 100000000`;
  temporal = await connectTemporal(inject('temporalAddress'), 'default', TEST_PAYLOAD_CODEC);
  api = await startApiServer(database, { client: temporal.client, taskQueue: queues.TASK_QUEUE });
  // The first request is held until its worker is dead; every later one is accepted.
  receiver = await startWebhookReceiver(() => secret, (n) => (n === 1 ? firstHeld : 200));
});

afterAll(async () => {
  releaseFirst(200);
  await workers.killAll();
  await temporal?.client.schedule.getHandle(queues.USAGE_VERIFY_SCHEDULE_ID).delete().catch(() => undefined);
  await api?.close();
  await receiver?.close();
  await temporal?.close();
  await database?.close();
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
