import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { reviewArticle, reviewLockedRows } from '../../src/domain/articles/index.js';
import { connectTemporal, type TemporalHandles } from '../../src/temporal/connect.js';
import { startWebhookDeliveries, webhookDeliveryWorkflowId } from '../../src/temporal/webhook-deliveries.js';
import { startApiServer, waitFor } from '../support/api-server.js';
import { newAccount, openTestDatabase } from '../support/db.js';
import { saveTestArticles } from '../support/drafts.js';
import { graphViolations } from '../support/schema-org.js';
import { expectPayloadsMatchVocabulary } from '../support/task-event-checks.js';
import { TEST_PAYLOAD_CODEC } from '../support/payload-codec.js';
import { replayWithCurrentCode } from '../support/replay.js';
import { startWebhookReceiver, TEST_WEBHOOK_SETTINGS } from '../support/webhook-receiver.js';
import { startTestWorker } from '../support/worker.js';

/**
 * Publish on approval on the real stack. A publishing "minute" lasts one second here
 * (PUBLISHING_MINUTE_SECONDS=1), so slots minutes apart pass in seconds. The first tests run before any
 * worker polls the queue: their deliveries' workflows are started but wait, so what happens before a
 * slot is set up without racing the clock; then a worker joins and they run.
 */
const database = openTestDatabase(6);
const queue = `publish-${randomUUID().slice(0, 8)}`;
const webhookSettings = { ...TEST_WEBHOOK_SETTINGS, publishingMinuteSeconds: 1 };
let temporal: TemporalHandles;
let api: Awaited<ReturnType<typeof startApiServer>>;
let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
let worker: Awaited<ReturnType<typeof startTestWorker>> | undefined;
/** The secret of the newest webhook: each test's deliveries go out while its own webhook is the newest. */
let secret = '';

beforeAll(async () => {
  temporal = await connectTemporal(inject('temporalAddress'), 'default', TEST_PAYLOAD_CODEC);
  api = await startApiServer(database, { client: temporal.client, taskQueue: queue }, { webhooks: webhookSettings });
  receiver = await startWebhookReceiver(() => secret);
});
afterAll(async () => {
  await worker?.stop();
  await api?.close();
  await receiver?.close();
  await temporal?.close();
  await database.close();
});

/** A worker on the API's queue: workflows started before it now run. */
const startWorker = async () => (worker ??= await startTestWorker(database, 'http://127.0.0.1:9', {}, { taskQueue: queue, webhooks: webhookSettings }));

/** A webhook of the account on the receiver, and publishing to it every `intervalMinutes`. */
async function publishTo(key: string, intervalMinutes: number) {
  const hook = await api.call('POST', '/api/webhooks', key, { url: receiver.url, events: ['review.needed'] });
  expect(hook.status, hook.text).toBe(201);
  secret = hook.body.secret;
  const on = await api.call('PUT', '/api/publishing', key, { webhookId: hook.body.id, intervalMinutes });
  expect(on.status, on.text).toBe(200);
  return hook.body.id as number;
}

interface Delivery {
  id: number;
  messageId: string;
  eventType: string;
  status: string;
  lastError: string | null;
  notBefore: string | null;
}

/** The account's publications, oldest first. */
const publications = async (key: string): Promise<Delivery[]> =>
  ((await api.call('GET', '/api/webhook-deliveries?pageSize=100', key)).body.deliveries as Delivery[])
    .filter((d) => d.eventType === 'article.published')
    .sort((a, b) => a.id - b.id);
const settled = (key: string, n: number) =>
  waitFor(`${n} settled publications`, async () => {
    const all = await publications(key);
    return all.length === n && all.every((d) => d.status !== 'pending') ? all : undefined;
  }, 60_000);
const gaps = (ds: Delivery[]) => ds.slice(1).map((d, i) => Date.parse(d.notBefore!) - Date.parse(ds[i]!.notBefore!));
const received = (d: Delivery) => receiver.requests.filter((r) => r.id === d.messageId);

describe('publish on approval', () => {
  it('is set per account with clear errors, and stopping it skips the publications still waiting', async () => {
    const { apiKey: key, accountId } = await newAccount(database);
    expect((await api.call('GET', '/api/publishing', key)).body).toEqual({ publishing: null });
    const hook = await api.call('POST', '/api/webhooks', key, { url: receiver.url, events: ['review.needed'] });
    const webhookId = hook.body.id as number;
    for (const bad of [-1, 1441, 1.5, '5', null]) {
      const r = await api.call('PUT', '/api/publishing', key, { webhookId, intervalMinutes: bad });
      expect(r.status, r.text).toBe(400);
      expect(r.body.error).toMatchObject({ code: 'VALIDATION_ERROR', message: expect.stringContaining('intervalMinutes must be a whole number from 0 to 1440') });
    }
    expect((await api.call('PUT', '/api/publishing', key, { intervalMinutes: 5 })).body.error.message).toContain('webhookId');
    expect((await api.call('PUT', '/api/publishing', key, { webhookId, intervalMinutes: 5, at: 'noon' })).status).toBe(400);
    const other = await newAccount(database);
    const foreign = await api.call('POST', '/api/webhooks', other.apiKey, { url: receiver.url, events: ['review.needed'] });
    const refused = await api.call('PUT', '/api/publishing', key, { webhookId: foreign.body.id, intervalMinutes: 5 });
    expect([refused.status, refused.body.error.code]).toEqual([404, 'NOT_FOUND']);
    const reader = await newAccount(database, { scope: 'read' });
    expect((await api.call('PUT', '/api/publishing', reader.apiKey, { webhookId, intervalMinutes: 5 })).body.error.code).toBe('FORBIDDEN_SCOPE');

    const on = await api.call('PUT', '/api/publishing', key, { webhookId, intervalMinutes: 30 });
    expect(on.body.publishing).toMatchObject({ webhookId, url: receiver.url, intervalMinutes: 30, lastSlotAt: null });
    const [a, b] = await saveTestArticles(database, accountId, 2);
    expect((await api.call('POST', '/api/articles/review', key, { action: 'approve', ids: [a, b] })).body.changed).toBe(2);
    const waiting = await publications(key);
    expect(gaps(waiting)).toEqual([30_000]);
    const now = (await api.call('GET', '/api/publishing', key)).body.publishing;
    expect(now.lastSlotAt).toBe(waiting[1]!.notBefore);
    expect(Date.parse(now.nextSlotAt) - Date.parse(now.lastSlotAt)).toBe(30_000);

    // No worker polls yet: both are still before their slot, so stopping skips both.
    const off = await api.call('DELETE', '/api/publishing', key);
    expect(off.body).toEqual({ publishing: null, skippedDeliveries: 2 });
    expect((await publications(key)).map((d) => [d.status, d.lastError])).toEqual([
      ['skipped', 'publishing was turned off before its slot'],
      ['skipped', 'publishing was turned off before its slot'],
    ]);
    expect((await api.call('DELETE', '/api/publishing', key)).body).toEqual({ publishing: null, skippedDeliveries: 0 });
    await api.call('PUT', '/api/publishing', key, { webhookId, intervalMinutes: 0 });
    await api.call('DELETE', `/api/webhooks/${webhookId}`, key);
    expect((await api.call('GET', '/api/publishing', key)).body).toEqual({ publishing: null });
  });

  it('two approvals in concurrent transactions get distinct slots one interval apart: the second waits for the first', async () => {
    const { apiKey: key, accountId } = await newAccount(database);
    await publishTo(key, 7);
    const [a, b] = await saveTestArticles(database, accountId, 2);
    let claimed!: () => void;
    let commit!: () => void;
    const aClaimed = new Promise<void>((r) => (claimed = r));
    const aMayCommit = new Promise<void>((r) => (commit = r));
    const first = database.db.transaction(async (tx) => {
      await reviewLockedRows(tx, accountId, [{ id: a!, reviewStatus: 'pending_review' }], 'approve');
      claimed();
      await aMayCommit;
    });
    await aClaimed;
    const second = reviewArticle(database.db, accountId, b!, 'approve');
    await waitFor('the second approval waiting on the publishing row', async () => {
      const rows = await database.sql`SELECT 1 FROM pg_stat_activity
        WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%publishing_settings%'`;
      return rows.length > 0 ? true : undefined;
    });
    commit();
    await Promise.all([first, second]);
    // Seconds after the first slot, at PostgreSQL's microsecond precision.
    const rows = await database.sql<{ article: number; after: number }[]>`
      SELECT (payload->>'articleId')::int AS article, extract(epoch FROM not_before - min(not_before) OVER ())::float8 AS after
      FROM webhook_deliveries WHERE account_id = ${accountId} AND event_type = 'article.published' ORDER BY not_before`;
    expect(rows).toEqual([{ article: a, after: 0 }, { article: b, after: 7 }]);
  });

  it('at their slots: un-approved, deleted and re-approved articles are skipped, the next ones still go out, edits are published', async () => {
    const { apiKey: key, accountId } = await newAccount(database);
    await publishTo(key, 1);
    const [a, b, c, d, e] = await saveTestArticles(database, accountId, 5);
    expect((await api.call('POST', '/api/articles/review', key, { action: 'approve', ids: [e, d, c, b, a] })).body.changed).toBe(5);
    // All of this happens before any slot is reached: no worker polls yet.
    await api.call('POST', `/api/articles/${b}/reopen`, key);
    await api.call('PATCH', `/api/articles/${c}`, key, { title: 'Edited after approval' });
    await api.call('DELETE', `/api/articles/${d}`, key);
    await api.call('POST', `/api/articles/${e}/reopen`, key);
    await api.call('POST', `/api/articles/${e}/approve`, key);
    await startWorker();
    const done = await settled(key, 6);
    expect(gaps(done)).toEqual([1000, 1000, 1000, 1000, 1000]);
    expect(done.map((x) => x.status)).toEqual(['succeeded', 'skipped', 'succeeded', 'skipped', 'skipped', 'succeeded']);
    expect(done[1]!.lastError).toBe(`article ${b} was pending_review at its slot`);
    expect(done[3]!.lastError).toBe(`article ${d} was deleted before its slot`);
    expect(done[4]!.lastError).toBe(`article ${e} was approved again; that approval publishes it`);
    for (const skipped of [done[1]!, done[3]!, done[4]!]) expect(received(skipped)).toEqual([]);
    const sent = [done[0]!, done[2]!, done[5]!].map((x) => received(x));
    expect(sent.map((r) => r.length)).toEqual([1, 1, 1]);
    expect(sent.map((r) => r[0]!.body.data.articleId)).toEqual([a, c, e]);
    expect(sent[1]![0]!.body).toMatchObject({ type: 'article.published', data: { title: 'Edited after approval', reviewStatus: 'approved' } });
    // The article's schema.org JSON-LD, built from it as it stands at the slot.
    const ld = sent[1]![0]!.body.data.jsonLd;
    expect(graphViolations(ld)).toEqual([]);
    expect(ld['@graph'][0]).toMatchObject({ '@type': 'Article', headline: 'Edited after approval' });
    // Prepared publications and the stubs of skipped ones, written in SQL, hold what the event vocabulary says.
    expect((await expectPayloadsMatchVocabulary(database, accountId)).types).toContain('article.published');
  });

  it('three approved at once: slots an interval apart in order of approval, each sent no earlier than its slot, with the full article', async () => {
    const { apiKey: key, accountId } = await newAccount(database);
    await startWorker();
    await publishTo(key, 2);
    const ids = await saveTestArticles(database, accountId, 3);
    expect((await api.call('POST', '/api/articles/review', key, { action: 'approve', ids })).body.changed).toBe(3);
    const done = await settled(key, 3);
    expect(gaps(done)).toEqual([2000, 2000]);
    expect(done.every((x) => x.status === 'succeeded')).toBe(true);
    const got = done.map((x) => received(x));
    expect(got.map((r) => r.length)).toEqual([1, 1, 1]);
    expect(got.map((r) => r[0]!.body.data.articleId)).toEqual(ids);
    for (const [i, x] of done.entries()) expect(got[i]![0]!.receivedAt).toBeGreaterThanOrEqual(Date.parse(x.notBefore!));
    const article = (await api.call('GET', `/api/articles/${ids[2]}`, key)).body;
    expect(got[2]![0]!.verified).toBe(true);
    expect(got[2]![0]!.body.data).toMatchObject({
      articleId: ids[2], taskId: article.taskId, position: article.position, keyword: article.keyword, title: article.title, content: article.content,
      reviewStatus: 'approved', slot: expect.any(String),
    });

    // The last one slept on a durable timer until its slot; its history joins the replay fixtures.
    const history = await temporal.client.workflow.getHandle(webhookDeliveryWorkflowId(done[2]!.id, 0)).fetchHistory();
    expect(history.events!.some((ev) => ev.timerStartedEventAttributes)).toBe(true);
    await replayWithCurrentCode(history, 'publication waiting for its slot');
    if (process.env.RECORD_WORKFLOW_HISTORIES) {
      await writeFile(path.resolve(import.meta.dirname, '../fixtures/histories/webhook-delivery-publication-slot.json'), JSON.stringify(history));
    }
  });

  it('an article approved at its save (an auto-approving task) takes a slot too', async () => {
    const { apiKey: key, accountId } = await newAccount(database);
    await startWorker();
    await publishTo(key, 1);
    const ids = await saveTestArticles(database, accountId, 2, { autoApprove: true });
    await startWebhookDeliveries(database.db, { client: temporal.client, taskQueue: queue, webhooks: webhookSettings }, { accountId });
    const done = await settled(key, 2);
    expect(gaps(done)).toEqual([1000]);
    expect(done.map((x) => received(x)[0]?.body.data.articleId)).toEqual(ids);
    expect((await expectPayloadsMatchVocabulary(database, accountId)).types).toContain('article.published');
  });
});
