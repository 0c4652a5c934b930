import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { createAccount } from '../../src/domain/accounts/index.js';
import { LlmError } from '../../src/llm/errors.js';
import { createModelRouter } from '../../src/llm/models/router.js';
import { openTestDatabase } from '../support/db.js';
import { startLlmStub, type LlmStub } from '../support/llm-stub.js';
import { attemptsOf, loopbackModel, routerSettings, userMessage } from './router-support.js';

// Two pools and two routers stand for two worker processes: they share nothing but PostgreSQL.
let workerOne: Database;
let workerTwo: Database;
let a: LlmStub;
let b: LlmStub;

beforeAll(async () => {
  workerOne = openTestDatabase(10);
  workerTwo = openTestDatabase(10);
  [a, b] = await Promise.all([startLlmStub(), startLlmStub()]);
});

afterAll(async () => {
  await Promise.all([a?.close(), b?.close()]);
  await Promise.all([workerOne?.close(), workerTwo?.close()]);
});

async function freshAccount() {
  return (await createAccount(workerOne.db, `flow-${Date.now()}-${Math.random()}`)).accountId;
}

function twoWorkers() {
  const settings = routerSettings();
  return [createModelRouter({ db: workerOne.db, settings, slotPollMs: 20 }), createModelRouter({ db: workerTwo.db, settings, slotPollMs: 20 })] as const;
}

describe('per-model flow control shared by workers', () => {
  it("two workers together never run more than A's maxConcurrency at once, and every request is answered", async () => {
    a.resetCounters();
    a.setBehavior(() => ({ latencyMs: 120 }));
    const accountId = await freshAccount();
    const A = loopbackModel('a', a.url, { maxConcurrency: 3 });
    const routers = twoWorkers();
    const replies = await Promise.all(
      Array.from({ length: 16 }, (_, i) => routers[i % 2]!.complete([A], { messages: userMessage(`q${i}`), accountId, position: i, attempt: 1 })),
    );
    expect(replies.every((r) => r.modelId === A.id)).toBe(true);
    expect(a.requests).toHaveLength(16);
    expect(a.maxInFlight).toBe(3);
  });

  it("spills to B when A is full, so the route's capacity adds up", async () => {
    a.resetCounters();
    b.resetCounters();
    a.setBehavior(() => ({ latencyMs: 200 }));
    b.setBehavior(() => ({ latencyMs: 200 }));
    const accountId = await freshAccount();
    const A = loopbackModel('a', a.url, { maxConcurrency: 2 });
    const B = loopbackModel('b', b.url, { maxConcurrency: 2 });
    const routers = twoWorkers();
    await Promise.all(Array.from({ length: 8 }, (_, i) => routers[i % 2]!.complete([A, B], { messages: userMessage(`q${i}`), accountId, attempt: 1 })));
    expect(a.maxInFlight).toBe(2);
    expect(b.maxInFlight).toBe(2);
    expect(a.requests.length + b.requests.length).toBe(8);
    expect(b.requests.length).toBeGreaterThan(0);
  });

  it("two workers together send A no more than its requests per minute; the rest go to B", async () => {
    a.resetCounters();
    b.resetCounters();
    a.setBehavior(() => ({}));
    b.setBehavior(() => ({}));
    const accountId = await freshAccount();
    const A = loopbackModel('a', a.url, { requestsPerMinute: 3 });
    const B = loopbackModel('b', b.url);
    const routers = twoWorkers();
    const replies = await Promise.all(Array.from({ length: 10 }, (_, i) => routers[i % 2]!.complete([A, B], { messages: userMessage(`q${i}`), accountId, attempt: 1 })));
    expect(a.requests).toHaveLength(3);
    expect(b.requests).toHaveLength(7);
    expect(replies.filter((r) => r.modelId === A.id)).toHaveLength(3);
    const rows = await attemptsOf(workerOne.db, accountId);
    expect(rows.filter((r) => r.modelId === A.id)).toHaveLength(3);
  });

  it("holds A's tokens per minute, counted before the call: a request that would pass it goes to B", async () => {
    a.resetCounters();
    b.resetCounters();
    a.setBehavior(() => ({ latencyMs: 1_000 }));
    b.setBehavior(() => ({}));
    const accountId = await freshAccount();
    // Each request counts its prompt (about 10 tokens) plus the 100-token reply reserve: two fit in 250, a third does not.
    const A = loopbackModel('a', a.url, { tokensPerMinute: 250, model: 'gpt-4o-mini' });
    const B = loopbackModel('b', b.url);
    const [one, two] = [createModelRouter({ db: workerOne.db, settings: routerSettings({ completionReserveTokens: 100 }) }), createModelRouter({ db: workerTwo.db, settings: routerSettings({ completionReserveTokens: 100 }) })];
    const replies = await Promise.all([0, 1, 2].map((i) => (i % 2 ? two : one).complete([A, B], { messages: userMessage(`short ${i}`), accountId, attempt: 1 })));
    expect(replies.filter((r) => r.modelId === A.id)).toHaveLength(2);
    expect(a.requests).toHaveLength(2);
    expect(b.requests).toHaveLength(1);
    // Once answered, the window holds the provider's usage instead of the estimate.
    const rows = await workerOne.db.execute<{ tokens: number }>(sql`SELECT tokens FROM llm_model_requests WHERE model_id = ${A.id} ORDER BY tokens`);
    const used = a.requests.map((r) => r.usage!.promptTokens + r.usage!.completionTokens).sort((x, y) => x - y);
    expect(rows.map((r) => Number(r.tokens))).toEqual(used);
  });

  it('waits for a slot rather than failing, and a waiting request ends when its signal aborts', async () => {
    a.resetCounters();
    a.setBehavior(() => ({ latencyMs: 300 }));
    const accountId = await freshAccount();
    const A = loopbackModel('a', a.url, { maxConcurrency: 1 });
    const [one, two] = twoWorkers();
    const holder = one.complete([A], { messages: userMessage('first'), accountId, attempt: 1 });
    await expect.poll(() => a.requests.length).toBe(1);
    const waiter = new AbortController();
    const waiting = two.complete([A], { messages: userMessage('second'), accountId, attempt: 1, signal: waiter.signal }).catch((e: unknown) => e);
    waiter.abort(new Error('task canceled'));
    const err = await waiting;
    expect(err).toBeInstanceOf(LlmError);
    expect((err as LlmError).kind).toBe('aborted');
    expect((await holder).modelId).toBe(A.id);
    // A request that merely waited was not sent: no row for it.
    expect((await attemptsOf(workerOne.db, accountId)).map((r) => r.outcome)).toEqual(['ok']);
    expect(a.requests).toHaveLength(1);
  });

  it("gives a killed worker's slot back when its lease expires", async () => {
    a.resetCounters();
    a.setBehavior(() => ({}));
    const accountId = await freshAccount();
    const A = loopbackModel('a', a.url, { maxConcurrency: 1 });
    // A worker died holding A's only slot: its lease ran out a moment ago.
    await workerOne.db.execute(sql`INSERT INTO llm_model_requests (model_id, sent_at, lease_expires_at, tokens) VALUES (${A.id}, now() - interval '2 minutes', now() - interval '1 second', 10)`);
    const [router] = twoWorkers();
    expect((await router.complete([A], { messages: userMessage('after the crash'), accountId, attempt: 1 })).modelId).toBe(A.id);
  });
});
