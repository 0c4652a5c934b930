import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { createAccount } from '../../src/domain/accounts/index.js';
import { LlmError } from '../../src/llm/errors.js';
import { recordAttempt } from '../../src/llm/models/attempts.js';
import { createModelRouter, markAttemptRefused } from '../../src/llm/models/router.js';
import { countPromptTokens } from '../../src/llm/models/tokens.js';
import { parsePromptIngredients } from '../../src/llm/prompt.js';
import { articleMessages } from '../../src/llm/template.js';
import { openTestDatabase } from '../support/db.js';
import { startLlmStub, type LlmStub, type StubReply } from '../support/llm-stub.js';
import { attemptsOf, loopbackModel, routerSettings, userMessage } from './router-support.js';

let database: Database;
let a: LlmStub;
let b: LlmStub;

beforeAll(async () => {
  database = openTestDatabase(10);
  [a, b] = await Promise.all([startLlmStub(), startLlmStub()]);
});

afterAll(async () => {
  await Promise.all([a?.close(), b?.close()]);
  await database?.close();
});

async function freshAccount() {
  return (await createAccount(database.db, `router-${Date.now()}-${Math.random()}`)).accountId;
}

function reset(behaviorA: () => StubReply = () => ({}), behaviorB: () => StubReply = () => ({})) {
  a.resetCounters();
  b.resetCounters();
  a.setLatency(0);
  b.setLatency(0);
  a.setBehavior(behaviorA);
  b.setBehavior(behaviorB);
}

const faults: { name: string; reply: StubReply; kind: string; status: number | null }[] = [
  { name: '500', reply: { status: 500 }, kind: 'http', status: 500 },
  { name: '429 past its retries', reply: { status: 429, headers: { 'retry-after': '0' } }, kind: 'http', status: 429 },
  { name: 'a hang past its timeout', reply: { hang: true }, kind: 'timeout', status: null },
];

describe('model router failover', () => {
  for (const fault of faults) {
    it(`fails over from A to B when A answers ${fault.name}, opens A's breaker, and brings A back after the cool-down's trial`, async () => {
      let aFails = true;
      reset(() => (aFails ? fault.reply : {}));
      const accountId = await freshAccount();
      // Only the hang waits for the time limit; the others get a roomy one, so a slow machine does not turn them into timeouts.
      const A = loopbackModel('a', a.url, { timeoutMs: fault.kind === 'timeout' ? 400 : 10_000 });
      const B = loopbackModel('b', b.url);
      const router = createModelRouter({ db: database.db, settings: routerSettings({ breakerFailures: 2, breakerCooldownMs: 1_500, retryAfterRetries: 1 }) });
      const ask = (attempt: number) => router.complete([A, B], { messages: userMessage(`question ${attempt}`), accountId, taskId: 7, position: attempt, attempt: 1 });

      const first = [await ask(0), await ask(1), await ask(2)];
      expect(first.map((r) => r.modelId)).toEqual([B.id, B.id, B.id]);
      const aRequestsWhileOpen = a.requests.length;
      // Two failures opened A's breaker: the third request went straight to B.
      const tries = fault.status === 429 ? 2 : 1; // a 429 is asked again once (its retry budget) before it counts
      expect(aRequestsWhileOpen).toBe(2 * tries);

      aFails = false;
      await sleep(1_700);
      const trial = await ask(3);
      expect(trial.modelId).toBe(A.id);
      expect((await ask(4)).modelId).toBe(A.id);

      const rows = await attemptsOf(database.db, accountId);
      const failedA = { modelId: A.id, outcome: 'failed', errorKind: fault.kind, errorStatus: fault.status };
      const okB = { modelId: B.id, outcome: 'ok', errorKind: null, errorStatus: null };
      const okA = { ...okB, modelId: A.id };
      expect(rows.map((r) => ({ modelId: r.modelId, outcome: r.outcome, errorKind: r.errorKind, errorStatus: r.errorStatus }))).toEqual([
        ...Array(tries).fill(failedA),
        okB,
        ...Array(tries).fill(failedA),
        okB,
        okB,
        okA,
        okA,
      ]);
      expect(rows.map((r) => r.position)).toEqual([...Array(tries).fill(0), 0, ...Array(tries).fill(1), 1, 2, 3, 4]);
    });
  }

  it('does not fail over a 400: the provider reason is thrown and B is never asked', async () => {
    reset(() => ({ status: 400 }));
    const accountId = await freshAccount();
    const A = loopbackModel('a', a.url);
    const B = loopbackModel('b', b.url);
    const router = createModelRouter({ db: database.db, settings: routerSettings() });
    const err = await router.complete([A, B], { messages: userMessage('bad'), accountId, attempt: 1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LlmError);
    expect((err as LlmError).status).toBe(400);
    expect((err as LlmError).retryable).toBe(false);
    expect(b.requests).toHaveLength(0);
    const rows = await attemptsOf(database.db, accountId);
    expect(rows.map((r) => [r.modelId, r.outcome, r.errorStatus])).toEqual([[A.id, 'failed', 400]]);
  });

  it("does not fail over a content refusal: the provider's reason is thrown, B is never asked", async () => {
    reset();
    // A model whose content filter stops the reply: 200 with finish_reason content_filter, as OpenAI-compatible providers answer.
    const refuser = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ model: 'm', choices: [{ index: 0, message: { role: 'assistant', content: '' }, finish_reason: 'content_filter' }], usage: { prompt_tokens: 9, completion_tokens: 0 } }));
    });
    await new Promise<void>((resolve) => refuser.listen(0, '127.0.0.1', resolve));
    try {
      const accountId = await freshAccount();
      const A = loopbackModel('a', `http://127.0.0.1:${(refuser.address() as AddressInfo).port}/v1`);
      const B = loopbackModel('b', b.url);
      const router = createModelRouter({ db: database.db, settings: routerSettings() });
      const err = await router.complete([A, B], { messages: userMessage('x'), accountId, attempt: 1 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(LlmError);
      expect((err as LlmError).kind).toBe('refused');
      expect((err as LlmError).retryable).toBe(false);
      expect((err as LlmError).message).toBe('LLM provider refused the content (finish_reason content_filter)');
      expect(b.requests).toHaveLength(0);
      expect((await attemptsOf(database.db, accountId)).map((r) => [r.modelId, r.outcome, r.errorKind])).toEqual([[A.id, 'failed', 'refused']]);
    } finally {
      await new Promise((resolve) => refuser.close(resolve));
    }
  });

  it('throws a retryable error naming the route when every model of it is unhealthy', async () => {
    reset(() => ({ status: 503 }), () => ({ status: 503 }));
    const accountId = await freshAccount();
    const A = loopbackModel('a', a.url);
    const B = loopbackModel('b', b.url);
    const router = createModelRouter({ db: database.db, settings: routerSettings({ breakerFailures: 1, breakerCooldownMs: 60_000 }) });
    const first = await router.complete([A, B], { messages: userMessage('x'), accountId, attempt: 1 }).catch((e: unknown) => e);
    expect((first as LlmError).status).toBe(503);
    const second = await router.complete([A, B], { messages: userMessage('x'), accountId, attempt: 2 }).catch((e: unknown) => e);
    expect(second).toBeInstanceOf(LlmError);
    expect((second as LlmError).kind).toBe('unavailable');
    expect((second as LlmError).retryable).toBe(true);
    expect((second as LlmError).message).toContain(`${A.id}, ${B.id}`);
    expect(a.requests.length + b.requests.length).toBe(2);
  });

  it("honours a 429's Retry-After: A is asked again only after it, and answers", async () => {
    const answered: number[] = [];
    let calls = 0;
    reset(() => {
      calls++;
      answered.push(Date.now());
      return calls === 1 ? { status: 429, headers: { 'retry-after': '1' } } : {};
    });
    const accountId = await freshAccount();
    const A = loopbackModel('a', a.url);
    const router = createModelRouter({ db: database.db, settings: routerSettings({ retryAfterRetries: 1 }) });
    const reply = await router.complete([A], { messages: userMessage('x'), accountId, attempt: 1 });
    expect(reply.modelId).toBe(A.id);
    expect(a.requests).toHaveLength(2);
    expect(answered[1]! - answered[0]!).toBeGreaterThanOrEqual(1_000);
    const rows = await attemptsOf(database.db, accountId);
    expect(rows.map((r) => [r.outcome, r.errorStatus])).toEqual([['failed', 429], ['ok', null]]);
  });

  it('records cost as tokens x prices exactly, failed requests at 0, and marks a refused draft', async () => {
    reset(() => ({ status: 502 }));
    const accountId = await freshAccount();
    const A = loopbackModel('a', a.url, { promptPriceMicrosPerMillion: 1_234_567, completionPriceMicrosPerMillion: 7_654_321, currency: 'CNY' });
    const B = loopbackModel('b', b.url, { promptPriceMicrosPerMillion: 3, completionPriceMicrosPerMillion: 999_999_999 });
    const router = createModelRouter({ db: database.db, settings: routerSettings() });
    const reply = await router.complete([A, B], { messages: userMessage('the cost of a question '.repeat(20)), accountId, taskId: 1, position: 0, attempt: 1 });
    const usage = b.requests[0]!.usage!;
    const expected = BigInt(usage.promptTokens) * 3n + BigInt(usage.completionTokens) * 999_999_999n;
    expect(reply.costPico).toBe(expected);
    expect(reply.currency).toBe('USD');
    expect([reply.promptTokens, reply.completionTokens]).toEqual([usage.promptTokens, usage.completionTokens]);
    await markAttemptRefused(database.db, reply.attemptId);
    const rows = await attemptsOf(database.db, accountId);
    expect(rows.map((r) => [r.modelId, r.outcome, r.costPico, r.currency, r.promptTokens, r.completionTokens])).toEqual([
      [A.id, 'failed', 0n, 'CNY', 0, 0],
      [B.id, 'refused', expected, 'USD', usage.promptTokens, usage.completionTokens],
    ]);
    expect(rows[1]!.id).toBe(reply.attemptId);
  });

  it('answers with the offline generator for a model without a base URL, at price 0', async () => {
    const accountId = await freshAccount();
    const offline = loopbackModel('offline', null, { promptPriceMicrosPerMillion: 0, completionPriceMicrosPerMillion: 0 });
    const router = createModelRouter({ db: database.db, settings: routerSettings() });
    const reply = await router.complete([offline], { messages: userMessage('=== KEYWORD ===\ncoffee grinders\n=== TOPICS ===\n1. Which one?'), accountId, seed: 's', attempt: 1 });
    expect(reply.content).toContain('coffee grinders');
    expect(reply.costPico).toBe(0n);
    expect((await attemptsOf(database.db, accountId)).map((r) => [r.modelId, r.outcome])).toEqual([[offline.id, 'ok']]);
  });

  it("uses the caller's clients when given one (the registry's, with sealed keys), without the router's bookkeeping fields", async () => {
    reset();
    const accountId = await freshAccount();
    const A = loopbackModel('a', 'http://127.0.0.1:9/never-called');
    const seen: object[] = [];
    const router = createModelRouter({
      db: database.db,
      settings: routerSettings(),
      clientFor: (spec) => ({
        provider: 'registry',
        model: spec.model,
        complete: async (request) => {
          seen.push(request);
          return { content: '# Title\n\nBody', model: spec.model, promptTokens: 11, completionTokens: 5 };
        },
      }),
    });
    const reply = await router.complete([A], { messages: userMessage('x'), accountId, taskId: 3, position: 1, attempt: 2, seed: 's' });
    expect(reply.costPico).toBe(11n * 1_500_000n + 5n * 6_000_000n);
    expect(seen).toEqual([{ messages: userMessage('x'), seed: 's' }]);
  });

  it('trims the knowledge of a prompt over a model\'s context window, lowest-ranked first, and sends the rest', async () => {
    reset();
    const accountId = await freshAccount();
    const ing = (n: number) => ({
      keyword: 'tea kettles',
      topics: ['Which is quietest?'],
      knowledgeBase: { name: 'Notes', documents: Array.from({ length: n }, (_, i) => ({ title: `Rank ${i}`, content: 'Stainless steel kettles boil fast and stay quiet. '.repeat(30) })) },
    });
    const window = (await countPromptTokens('gpt-4o-mini', articleMessages(null, ing(2)))) + 1_000;
    const A = loopbackModel('a', a.url, { model: 'gpt-4o-mini', contextWindow: window });
    const router = createModelRouter({ db: database.db, settings: routerSettings({ completionReserveTokens: 1_000 }) });
    const reply = await router.complete([A], { messages: articleMessages(null, ing(5)), accountId, attempt: 1 });
    expect(reply.droppedKnowledgePassages).toBe(3);
    const sent = parsePromptIngredients(a.requests[0]!.userMessage)!;
    expect(sent.knowledgeBase!.documents.map((d) => d.title)).toEqual(['Rank 0', 'Rank 1']);
    expect(sent.keyword).toBe('tea kettles');
  });

  it('refuses a prompt that fits no model of the route, clearly and without sending it; a model it fits takes it', async () => {
    reset();
    const accountId = await freshAccount();
    const messages = userMessage('A long question. '.repeat(200));
    const A = loopbackModel('a', a.url, { model: 'gpt-4o-mini', contextWindow: 500 });
    const B = loopbackModel('b', b.url, { model: 'gpt-4o-mini', contextWindow: 1_000 });
    const router = createModelRouter({ db: database.db, settings: routerSettings({ completionReserveTokens: 200 }) });
    const err = await router.complete([A, B], { messages, accountId, attempt: 1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LlmError);
    expect((err as LlmError).kind).toBe('too_long');
    expect((err as LlmError).retryable).toBe(false);
    expect((err as LlmError).message).toMatch(/^the prompt takes \d+ tokens and the reply needs up to 200: more than model "b-[0-9a-f]+"'s context window of 1000 tokens$/);
    expect(a.requests.length + b.requests.length).toBe(0);
    expect(await attemptsOf(database.db, accountId)).toEqual([]);

    const C = loopbackModel('c', b.url, { model: 'gpt-4o-mini', contextWindow: 100_000 });
    expect((await router.complete([A, B, C], { messages, accountId, attempt: 1 })).modelId).toBe(C.id);
  });

  it('costs every recorded request as prompt x price + completion x price exactly (property, 100 runs)', async () => {
    const accountId = await freshAccount();
    const spec = loopbackModel('p', null);
    await fc.assert(
      fc.asyncProperty(
        // Up to 10M tokens a request and 1,000 currency units per million tokens: far past any model, within bigint.
        fc.integer({ min: 0, max: 10_000_000 }),
        fc.integer({ min: 0, max: 10_000_000 }),
        fc.integer({ min: 0, max: 1_000_000_000 }),
        fc.integer({ min: 0, max: 1_000_000_000 }),
        fc.constantFrom<'ok' | 'failed'>('ok', 'failed'),
        async (prompt, completion, promptPrice, completionPrice, outcome) => {
          const priced = { ...spec, promptPriceMicrosPerMillion: promptPrice, completionPriceMicrosPerMillion: completionPrice };
          const { id, costPico } = await recordAttempt(database.db, priced, { accountId, attempt: 1 }, { outcome, promptTokens: prompt, completionTokens: completion, durationMs: 1 });
          const [row] = (await attemptsOf(database.db, accountId)).filter((r) => r.id === id);
          expect(row!.costPico).toBe(BigInt(prompt) * BigInt(promptPrice) + BigInt(completion) * BigInt(completionPrice));
          expect(costPico).toBe(row!.costPico);
        },
      ),
      { numRuns: 100 },
    );
  });
});
