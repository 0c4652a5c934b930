import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
  });
});
