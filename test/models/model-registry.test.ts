import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createModelCatalog } from '../../src/llm/models/clients.js';
import { offlineModel } from '../../src/llm/models/model-config.js';
import { startApiServer, waitFor, waitForTaskEnd } from '../support/api-server.js';
import { newAccount, openTestDatabase, seedDistillations } from '../support/db.js';
import { startLlmStub, type LlmStub } from '../support/llm-stub.js';
import { invariantViolations } from '../support/invariants.js';
import { PROMPT_MARKERS } from '../../src/llm/prompt.js';
import { TEST_PAYLOAD_CODEC } from '../support/payload-codec.js';
import { startTestWorker } from '../support/worker.js';

/**
 * Issue 18, the registry: two loopback models registered through the API with prices; a task's route picks the model
 * that writes, every request is an llm_attempts row, and the cost is tokens x prices exactly.
 */
const database = openTestDatabase();
const suffix = randomUUID().slice(0, 6);
const A = `a-${suffix}`;
const B = `b-${suffix}`;
const T = '/api/article-generation/tasks';
let stubA: LlmStub;
let stubB: LlmStub;
let worker: Awaited<ReturnType<typeof startTestWorker>>;
let api: Awaited<ReturnType<typeof startApiServer>>;
let operatorKey: string;

const models = createModelCatalog({
  configured: { models: [offlineModel(20_000)], defaultModelId: 'offline' },
  openSealedKey: (sealed) => TEST_PAYLOAD_CODEC.openText(sealed),
  keyFromEnv: (name) => (name === `KEY_${suffix.toUpperCase()}` ? 'sk-from-env' : undefined),
});

beforeAll(async () => {
  [stubA, stubB] = await Promise.all([startLlmStub({ latencyMs: 1 }), startLlmStub({ latencyMs: 1 })]);
  worker = await startTestWorker(database, stubA.url, { timeoutMs: 20_000 }, { models });
  api = await startApiServer(database, worker.target);
  operatorKey = (await newAccount(database, { scope: 'operator' })).apiKey;
  const created = await Promise.all([
    api.call('POST', '/api/models', operatorKey, {
      id: A, baseUrl: `${stubA.url}/v1`, model: 'stub-a', apiKeyEnv: `KEY_${suffix.toUpperCase()}`,
      promptPricePerMillion: 1.5, completionPricePerMillion: 6, currency: 'USD', maxConcurrency: 5,
    }),
    api.call('POST', '/api/models', operatorKey, {
      id: B, displayName: 'Model B', baseUrl: `${stubB.url}/v1`, model: 'stub-b', apiKey: 'sk-b-secret-never-shown',
      promptPricePerMillion: 0.123457, completionPricePerMillion: 2.000001, currency: 'CNY',
    }),
  ]);
  for (const r of created) expect(r.status, r.text).toBe(201);
});
afterAll(async () => {
  await api?.close();
  await worker?.stop();
  await Promise.all([stubA?.close(), stubB?.close()]);
  await database.close();
});

async function accountWithDistillations(n: number) {
  const account = await newAccount(database);
  await seedDistillations(database, account.accountId, Array.from({ length: n }, (_, i) => ({ keyword: `${suffix}-kw-${account.accountId}-${i}` })));
  return account;
}

async function runTask(key: string, body: Record<string, unknown>) {
  const created = await api.call('POST', T, key, body);
  expect(created.status, created.text).toBe(201);
  const taskId = created.body.taskId as number;
  return waitForTaskEnd(taskId, async () => (await api.call('GET', `${T}/${taskId}`, key)).body);
}

function expectedPico(requests: LlmStub['requests'], promptMicros: bigint, completionMicros: bigint) {
  let pico = 0n;
  for (const r of requests) if (r.usage) pico += BigInt(r.usage.promptTokens) * promptMicros + BigInt(r.usage.completionTokens) * completionMicros;
  return pico;
}

/** Exact cost of the stub's answered requests at the given prices (micro-units per million tokens), as a decimal string. */
function expectedCost(requests: LlmStub['requests'], promptMicros: bigint, completionMicros: bigint) {
  const pico = expectedPico(requests, promptMicros, completionMicros);
  const whole = pico / 1_000_000_000_000n;
  const frac = (pico % 1_000_000_000_000n).toString().padStart(12, '0').replace(/0+$/, '');
  return `${whole}${frac ? `.${frac}` : ''}`;
}

describe('a route of registered models', () => {
  it('a task with models [b] is written by b, each request recorded with its model, and its cost is tokens x prices exactly', async () => {
    const { apiKey } = await accountWithDistillations(2);
    stubA.resetCounters();
    stubB.resetCounters();
    const task = await runTask(apiKey, { articleCount: 2, models: [B] });
    expect(task).toMatchObject({ status: 'completed', generatedCount: 2, models: [B] });
    expect(stubA.requests).toHaveLength(0);
    expect(stubB.requests).toHaveLength(2);
    // The sealed key reached the provider; the request named the provider's model.
    expect(stubB.requests.map((r) => [r.headers.authorization, r.body.model])).toEqual([
      ['Bearer sk-b-secret-never-shown', 'stub-b'],
      ['Bearer sk-b-secret-never-shown', 'stub-b'],
    ]);
    const cost = expectedCost(stubB.requests, 123_457n, 2_000_001n);
    expect(task.cost).toEqual({ amount: cost, currency: 'CNY' });
    expect(task.costByCurrency).toEqual([{ amount: cost, currency: 'CNY' }]);

    const article = (await api.call('GET', `/api/articles/${task.generatedArticles[0].id}`, apiKey)).body;
    expect(article.model).toBe(B);
    expect(article.attempts).toEqual([
      expect.objectContaining({ model: B, outcome: 'ok', attempt: 1, promptTokens: expect.any(Number), completionTokens: expect.any(Number), cost: { amount: expect.any(String), currency: 'CNY' } }),
    ]);
    const first = stubB.requests.find((r) => r.usage!.promptTokens === article.attempts[0].promptTokens && r.usage!.completionTokens === article.attempts[0].completionTokens)!;
    expect(article.cost).toEqual({ amount: expectedCost([first], 123_457n, 2_000_001n), currency: 'CNY' });
    const exported = await api.call('GET', `/api/articles/${article.id}/export?format=md`, apiKey);
    expect(exported.text).toContain(`model: "${B}"`);
  });

  it("without a route: the account's default model writes (its key from the variable it names); then the registry default", async () => {
    const { accountId, apiKey } = await accountWithDistillations(2);
    const set = await api.call('PUT', `/api/admin/accounts/${accountId}/models`, operatorKey, { defaultModelId: A, allowedModelIds: null });
    expect(set.body).toEqual({ defaultModelId: A, allowedModelIds: null });
    stubA.resetCounters();
    const task = await runTask(apiKey, { articleCount: 1 });
    expect(task).toMatchObject({ status: 'completed', models: null, generatedArticles: [{ model: A }] });
    expect(stubA.requests.map((r) => r.headers.authorization)).toEqual(['Bearer sk-from-env']);
    expect(task.cost).toEqual({ amount: expectedCost(stubA.requests, 1_500_000n, 6_000_000n), currency: 'USD' });

    await api.call('PUT', `/api/admin/accounts/${accountId}/models`, operatorKey, { defaultModelId: null, allowedModelIds: null });
    const offline = await runTask(apiKey, { articleCount: 1 });
    expect(offline).toMatchObject({ status: 'completed', generatedArticles: [{ model: 'offline' }], cost: { amount: '0', currency: 'USD' } });
  });

  it('refuses a route naming an unknown or a not-allowed model, and bad routes, writing nothing', async () => {
    const { accountId, apiKey } = await accountWithDistillations(1);
    const before = await database.db.execute(sql`SELECT count(*)::int AS n FROM generation_tasks WHERE account_id = ${accountId}`);
    const unknown = await api.call('POST', T, apiKey, { articleCount: 1, models: [B, 'nope'] });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error).toMatchObject({ code: 'MODEL_UNKNOWN', details: { field: 'models', unknown: ['nope'] } });
    for (const models of [[], [B, B], ['bad id!'], 'a']) {
      const bad = await api.call('POST', T, apiKey, { articleCount: 1, models });
      expect(bad.status, JSON.stringify(models)).toBe(400);
      expect(bad.body.error.code).toBe('VALIDATION_ERROR');
      expect(bad.body.error.message).toContain('models');
    }
    const limited = await api.call('PUT', `/api/admin/accounts/${accountId}/models`, operatorKey, { defaultModelId: null, allowedModelIds: [A] });
    expect(limited.status, limited.text).toBe(200);
    const notAllowed = await api.call('POST', T, apiKey, { articleCount: 1, models: [B] });
    expect(notAllowed.status).toBe(400);
    expect(notAllowed.body.error).toMatchObject({ code: 'MODEL_NOT_ALLOWED', details: { notAllowed: [B], allowed: [A] } });
    const after = await database.db.execute(sql`SELECT count(*)::int AS n FROM generation_tasks WHERE account_id = ${accountId}`);
    expect(after).toEqual(before);
    const badDefault = await api.call('PUT', `/api/admin/accounts/${accountId}/models`, operatorKey, { defaultModelId: B, allowedModelIds: [A] });
    expect(badDefault.body.error.code).toBe('MODEL_NOT_ALLOWED');
    const unknownDefault = await api.call('PUT', `/api/admin/accounts/${accountId}/models`, operatorKey, { defaultModelId: 'nope', allowedModelIds: null });
    expect(unknownDefault.body.error.code).toBe('MODEL_UNKNOWN');
  });
});

describe('every request counted', () => {
  it('a failed request, a refused draft and the saved one are three attempts of model b, and the cost sums the two answered', async () => {
    const { accountId, apiKey } = await accountWithDistillations(1);
    expect((await api.call('PUT', '/api/quality-settings', apiKey, { bannedWords: ['Forbidden'] })).status).toBe(200);
    stubB.resetCounters();
    stubB.setBehavior((req) =>
      req.index === 0 ? { status: 500, errorMessage: 'down' } : req.userMessage.includes(PROMPT_MARKERS.feedback) ? {} : { content: `# Bad\n\n${'Plenty of words here. '.repeat(10)} Forbidden.` },
    );
    try {
      const task = await runTask(apiKey, { articleCount: 1, models: [B] });
      expect(task).toMatchObject({ status: 'completed', generatedCount: 1 });
      const article = (await api.call('GET', `/api/articles/${task.generatedArticles[0].id}`, apiKey)).body;
      expect(article.attempts.map((a: { model: string; outcome: string; errorStatus: number | null }) => [a.model, a.outcome, a.errorStatus])).toEqual([
        [B, 'failed', 500],
        [B, 'refused', null],
        [B, 'ok', null],
      ]);
      expect(article.attempts[0]).toMatchObject({ promptTokens: 0, completionTokens: 0, cost: { amount: '0', currency: 'CNY' } });
      const answered = stubB.requests.filter((r) => r.usage);
      expect(answered).toHaveLength(2);
      const cost = { amount: expectedCost(answered, 123_457n, 2_000_001n), currency: 'CNY' };
      expect(article.cost).toEqual(cost);
      expect(task.cost).toEqual(cost);
      expect(await invariantViolations(database, accountId)).toEqual([]);
    } finally {
      stubB.setBehavior(() => ({}));
    }
  });
});

describe('distillation runs', () => {
  it("ask the account's default model, each request an attempt of the run with its cost", async () => {
    const { accountId, apiKey } = await newAccount(database);
    await api.call('PUT', `/api/admin/accounts/${accountId}/models`, operatorKey, { defaultModelId: B, allowedModelIds: null });
    stubA.resetCounters();
    stubB.resetCounters();
    const run = await api.call('POST', '/api/distillation-runs', apiKey, { keywords: [`${suffix}-distil`], questionsPerKeyword: 3 });
    expect(run.status, run.text).toBe(202);
    const done = await waitFor('the run to end', async () => {
      const { body } = await api.call('GET', `/api/distillation-runs/${run.body.id}`, apiKey);
      return ['completed', 'failed', 'canceled'].includes(body.status) ? body : undefined;
    });
    expect(done.status).toBe('completed');
    expect([stubA.requests.length, stubB.requests.length]).toEqual([0, 1]);
    const rows = await database.db.execute(sql`SELECT model_id, outcome, run_id, task_id, cost_pico::text AS cost, currency FROM llm_attempts WHERE account_id = ${accountId}`);
    expect(rows).toEqual([{ model_id: B, outcome: 'ok', run_id: run.body.id, task_id: null, cost: expectedPico(stubB.requests, 123_457n, 2_000_001n).toString(), currency: 'CNY' }]);
  });
});

describe('routes of templates and schedules', () => {
  it("a template's route writes the tasks that name none; a task's own route wins; a schedule's task keeps its route", async () => {
    const { apiKey } = await accountWithDistillations(3);
    const template = await api.call('POST', '/api/templates', apiKey, { name: 'on a', user: 'Write about {{keyword}}.', models: [A] });
    expect(template.status, template.text).toBe(201);
    expect(template.body.models).toEqual([A]);
    const refused = await api.call('POST', '/api/templates', apiKey, { name: 'bad', user: 'x {{keyword}}', models: ['nope'] });
    expect(refused.body.error.code).toBe('MODEL_UNKNOWN');
    stubA.resetCounters();
    stubB.resetCounters();
    const onTemplate = await runTask(apiKey, { articleCount: 1, templateId: template.body.id });
    expect(onTemplate.generatedArticles[0].model).toBe(A);
    const sentToA = stubA.requests.length;
    expect([sentToA > 0, stubB.requests.length]).toEqual([true, 0]);
    const own = await runTask(apiKey, { articleCount: 1, templateId: template.body.id, models: [B] });
    expect(own.generatedArticles[0].model).toBe(B);
    expect([stubA.requests.length, stubB.requests.length > 0]).toEqual([sentToA, true]);

    const schedule = await api.call('POST', '/api/schedules', apiKey, { name: 'nightly', intervalSeconds: 86_400, paused: true, template: { articleCount: 1, models: [B] } });
    expect(schedule.status, schedule.text).toBe(201);
    expect(schedule.body.template.models).toEqual([B]);
    const badSchedule = await api.call('POST', '/api/schedules', apiKey, { name: 'bad', intervalSeconds: 86_400, paused: true, template: { articleCount: 1, models: ['nope'] } });
    expect(badSchedule.body.error.code).toBe('MODEL_UNKNOWN');
    await api.call('DELETE', `/api/schedules/${schedule.body.id}`, apiKey);
  });
});

describe('the models API', () => {
  it('never answers a key: list, get, create and update show only where a key is', async () => {
    const id = `c-${suffix}`;
    const answers = [
      await api.call('POST', '/api/models', operatorKey, { id, baseUrl: 'http://127.0.0.1:9/v1', model: 'm', apiKey: 'sk-c-secret-1', promptPricePerMillion: 1, completionPricePerMillion: 2, currency: 'EUR' }),
      await api.call('PATCH', `/api/models/${id}`, operatorKey, { apiKey: 'sk-c-secret-2', completionPricePerMillion: 3 }),
      await api.call('GET', `/api/models/${id}`, operatorKey),
      await api.call('GET', '/api/models', operatorKey),
      await api.call('GET', `/api/models/${B}`, operatorKey),
    ];
    for (const a of answers) {
      expect(a.status, a.text).toBeLessThan(300);
      expect(a.text).not.toMatch(/sk-[bc]-secret/);
    }
    expect(answers[2]!.body).toMatchObject({ id, hasSealedKey: true, apiKeyEnv: null, completionPricePerMillion: 3, promptPricePerMillion: 1, source: 'admin' });
    const stored = await database.db.execute(sql`SELECT api_key_sealed FROM llm_models WHERE id = ${id}`);
    expect(String(stored[0]!.api_key_sealed)).not.toContain('sk-c-secret');
    expect(TEST_PAYLOAD_CODEC.openText(String(stored[0]!.api_key_sealed))).toBe('sk-c-secret-2');
    const toEnv = await api.call('PATCH', `/api/models/${id}`, operatorKey, { apiKeyEnv: 'C_KEY' });
    expect(toEnv.body).toMatchObject({ apiKeyEnv: 'C_KEY', hasSealedKey: false });
    expect((await api.call('DELETE', `/api/models/${id}`, operatorKey)).status).toBe(204);
    expect((await api.call('GET', `/api/models/${id}`, operatorKey)).status).toBe(404);
  });

  it('refuses bad models clearly, config models are read-only, and changing the registry needs an operator key', async () => {
    const dup = await api.call('POST', '/api/models', operatorKey, { id: A, baseUrl: 'http://h/v1', model: 'm', promptPricePerMillion: 1, completionPricePerMillion: 1, currency: 'USD' });
    expect(dup).toMatchObject({ status: 409, body: { error: { code: 'MODEL_EXISTS' } } });
    const bad = await api.call('POST', '/api/models', operatorKey, { id: 'x', baseUrl: 'http://h/v1', model: 'm', promptPricePerMillion: -1, completionPricePerMillion: 1, currency: 'USD' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('promptPricePerMillion');
    const both = await api.call('POST', '/api/models', operatorKey, { id: 'y', baseUrl: 'http://h/v1', model: 'm', promptPricePerMillion: 1, completionPricePerMillion: 1, currency: 'USD', apiKey: 'k', apiKeyEnv: 'K' });
    expect(both.status).toBe(400);
    const offline = await api.call('PATCH', '/api/models/offline', operatorKey, { displayName: 'x' });
    expect([404, 409]).toContain(offline.status);
    const { apiKey: adminKey } = await newAccount(database, { scope: 'admin' });
    expect((await api.call('GET', '/api/models', adminKey)).status).toBe(200);
    const forbidden = await api.call('POST', '/api/models', adminKey, { id: 'z', baseUrl: 'http://h/v1', model: 'm', promptPricePerMillion: 1, completionPricePerMillion: 1, currency: 'USD' });
    expect(forbidden.status).toBe(403);
    expect((await api.call('GET', '/api/models/bad%20id', operatorKey)).body.error.code).toBe('INVALID_ID');
  });
});
