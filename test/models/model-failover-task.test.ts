import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ROUTER } from '../../src/config.js';
import { startApiServer, waitForTaskEnd } from '../support/api-server.js';
import { newAccount, openTestDatabase, seedDistillations } from '../support/db.js';
import { invariantViolations } from '../support/invariants.js';
import { startLlmStub, type LlmStub } from '../support/llm-stub.js';
import { startTestWorker } from '../support/worker.js';

/**
 * Issue 18, failover end to end: a task on the route [A, B] whose model A fails completes on B with each request
 * recorded as an attempt of its article; A comes back after the breaker's cool-down; a 400 from A is the article's
 * failure, not failed over. Real Temporal, PostgreSQL, worker and API; two loopback providers.
 */
const database = openTestDatabase();
const suffix = randomUUID().slice(0, 6);
const A = `fa-${suffix}`;
const B = `fb-${suffix}`;
const T = '/api/article-generation/tasks';
const COOL_DOWN_MS = 1_500;
let stubA: LlmStub;
let stubB: LlmStub;
let worker: Awaited<ReturnType<typeof startTestWorker>>;
let api: Awaited<ReturnType<typeof startApiServer>>;

beforeAll(async () => {
  [stubA, stubB] = await Promise.all([startLlmStub({ latencyMs: 1 }), startLlmStub({ latencyMs: 1 })]);
  worker = await startTestWorker(database, stubA.url, { timeoutMs: 20_000 }, { routerSettings: { ...DEFAULT_ROUTER, breakerFailures: 2, breakerCooldownMs: COOL_DOWN_MS } });
  api = await startApiServer(database, worker.target);
  const operatorKey = (await newAccount(database, { scope: 'operator' })).apiKey;
  for (const [id, stub] of [[A, stubA], [B, stubB]] as const) {
    const created = await api.call('POST', '/api/models', operatorKey, {
      id, baseUrl: `${stub.url}/v1`, model: `stub-${id}`, promptPricePerMillion: 1, completionPricePerMillion: 2, currency: 'USD',
    });
    expect(created.status, created.text).toBe(201);
  }
});
afterAll(async () => {
  await api?.close();
  await worker?.stop();
  await Promise.all([stubA?.close(), stubB?.close()]);
  await database.close();
});

async function runTask(articleCount: number) {
  const account = await newAccount(database);
  await seedDistillations(database, account.accountId, Array.from({ length: articleCount }, (_, i) => ({ keyword: `${suffix}-kw-${account.accountId}-${i}` })));
  const created = await api.call('POST', T, account.apiKey, { articleCount, models: [A, B], concurrency: 1 });
  expect(created.status, created.text).toBe(201);
  const taskId = created.body.taskId as number;
  const task = await waitForTaskEnd(taskId, async () => (await api.call('GET', `${T}/${taskId}`, account.apiKey)).body);
  const articles = await Promise.all(task.generatedArticles.map(async (a: { id: number }) => (await api.call('GET', `/api/articles/${a.id}`, account.apiKey)).body));
  return { account, task, articles };
}

describe('a route of two models', () => {
  it('completes on B while A fails, records every request, brings A back after the cool-down, and does not fail a 400 over', async () => {
    // A answers 500: the first articles' requests go to A, fail, and move on to B; past the threshold A is skipped.
    stubA.setBehavior(() => ({ status: 500 }));
    const down = await runTask(4);
    expect(down.task).toMatchObject({ status: 'completed', generatedCount: 4 });
    expect(down.articles.map((a) => a.model)).toEqual([B, B, B, B]);
    const attempts = down.articles.flatMap((a) => a.attempts.map((t: { model: string; outcome: string }) => `${t.model}:${t.outcome}`));
    expect(attempts.filter((t) => t === `${A}:failed`)).toHaveLength(2); // the breaker's threshold, then A is skipped
    expect(attempts.filter((t) => t === `${B}:ok`)).toHaveLength(4);
    expect(stubA.requests).toHaveLength(2);
    expect(down.articles[0].attempts.map((t: { model: string; outcome: string }) => [t.model, t.outcome])).toEqual([[A, 'failed'], [B, 'ok']]);
    // The export's front matter names the model that wrote it and each request's model and outcome.
    const exported = await api.call('GET', `/api/articles/${down.articles[0].id}/export?format=md`, down.account.apiKey);
    expect(exported.text).toContain(`model: "${B}"\nattempts: [{"model":"${A}","outcome":"failed"},{"model":"${B}","outcome":"ok"}]\n`);
    const lines = await api.call('GET', '/api/articles/export?format=json', down.account.apiKey);
    const rows = lines.text.trim().split('\n').map((l) => JSON.parse(l));
    expect(rows.find((r) => r.id === down.articles[0].id).attempts).toEqual([{ model: A, outcome: 'failed' }, { model: B, outcome: 'ok' }]);
    expect(await invariantViolations(database, down.account.accountId)).toEqual([]);

    // A recovers; after the cool-down one trial goes to A, and A writes again.
    stubA.setBehavior(() => ({}));
    await new Promise((r) => setTimeout(r, COOL_DOWN_MS + 200));
    const back = await runTask(2);
    expect(back.task).toMatchObject({ status: 'completed', generatedCount: 2 });
    expect(back.articles.map((a) => a.model)).toEqual([A, A]);

    // A 400 is the provider refusing the request: the article fails with it, B is not asked.
    stubA.setBehavior(() => ({ status: 400 }));
    const before = stubB.requests.length;
    const refused = await runTask(1);
    expect(refused.task).toMatchObject({ status: 'failed', generatedCount: 0, failedCount: 1 });
    expect(refused.task.items[0].error).toMatch(/HTTP 400/);
    expect(stubB.requests).toHaveLength(before);
    expect(await invariantViolations(database, refused.account.accountId)).toEqual([]);
    stubA.setBehavior(() => ({}));
  });
});
