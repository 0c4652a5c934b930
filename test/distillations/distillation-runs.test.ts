import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { distillationRunWorkflowId } from '../../src/shared/distillation-runs.js';
import { replayWithCurrentCode } from '../support/replay.js';
import { DEFAULT_LIMITS } from '../../src/config.js';
import { NO_USABLE_QUESTIONS } from '../../src/activities/distillation-runs.js';
import { startApiServer, waitFor } from '../support/api-server.js';
import { newAccount, seedDistillations } from '../support/db.js';
import { invariantViolations } from '../support/invariants.js';
import { keywordOf, stubQuestions } from '../support/llm-stub.js';
import { openSse, readUntilEnd } from '../support/sse.js';
import { useTestStack } from '../support/stack.js';

/** Issue 17, distilling keywords: runs on the real stack (PostgreSQL, Temporal, worker, loopback LLM). */
const stack = useTestStack();
const R = '/api/distillation-runs';
const call = (method: string, path: string, key: string, body?: unknown) => stack.api.call(method, path, key, body);
const TERMINAL = ['completed', 'failed', 'canceled'];

async function runEnd(key: string, runId: number) {
  return waitFor(`run ${runId} to end`, async () => {
    const { body } = await call('GET', `${R}/${runId}`, key);
    return TERMINAL.includes(body.status) ? body : undefined;
  }, 60_000);
}

/** The run's history replays with the current code, and joins the replay fixtures when recording. */
async function replayAndRecord(runId: number, fixture: string) {
  const history = await stack.worker.client.workflow.getHandle(distillationRunWorkflowId(runId)).fetchHistory();
  await replayWithCurrentCode(history, fixture);
  if (process.env.RECORD_WORKFLOW_HISTORIES) {
    await writeFile(path.resolve(import.meta.dirname, `../fixtures/histories/${fixture}.json`), JSON.stringify(history));
  }
}

async function topicsOf(accountId: number, keyword: string) {
  const rows = await stack.database.sql<{ id: number; topic_count: number; questions: string[] }[]>`
    SELECT d.id, d.topic_count, coalesce(array_agg(t.question ORDER BY t.position) FILTER (WHERE t.id IS NOT NULL), '{}') AS questions
    FROM distillations d LEFT JOIN topics t ON t.distillation_id = d.id
    WHERE d.account_id = ${accountId} AND d.keyword = ${keyword} AND d.deleted_at IS NULL GROUP BY d.id ORDER BY d.id`;
  return rows;
}

describe('distillation runs', () => {
  it('distils 20 keywords: a keyword failing twice is retried, one with no usable answer fails alone', async () => {
    const { apiKey: key, accountId } = await newAccount(stack.database);
    const attempts = new Map<string, number>();
    stack.stub.setBehavior((req) => {
      const kw = keywordOf(req) ?? '';
      attempts.set(kw, (attempts.get(kw) ?? 0) + 1);
      if (kw === 'flaky keyword' && attempts.get(kw)! <= 2) return { status: 500, errorMessage: 'overloaded' };
      if (kw === 'empty keyword') return { content: '[]' };
      return {};
    });
    const keywords = [...Array.from({ length: 18 }, (_, i) => `keyword ${i}`), 'flaky keyword', 'empty keyword'];
    const created = await call('POST', R, key, { keywords, questionsPerKeyword: 5 });
    expect(created.status).toBe(202);
    expect(created.body.keywords).toHaveLength(20);
    const run = await runEnd(key, created.body.id);

    expect(run.status).toBe('completed');
    expect([run.doneCount, run.failedCount, run.canceledCount]).toEqual([19, 1, 0]);
    const flaky = run.keywords.find((k: any) => k.keyword === 'flaky keyword');
    expect(flaky).toMatchObject({ state: 'done', attempts: 3, error: null });
    expect(flaky.questions.map((q: any) => q.question)).toEqual(stubQuestions('flaky keyword', 5));
    expect(run.keywords.find((k: any) => k.keyword === 'empty keyword')).toMatchObject({ state: 'failed', error: NO_USABLE_QUESTIONS, questions: [] });
    expect(attempts.get('flaky keyword')).toBe(3);
    expect(run.promptTokens).toBeGreaterThan(0);
    expect(run.completionTokens).toBeGreaterThan(0);
    // Every done keyword became a distillation of its own with its questions as topics, counts at zero.
    for (const k of run.keywords.filter((k: any) => k.state === 'done')) {
      const [d] = await topicsOf(accountId, k.keyword);
      expect(d).toMatchObject({ id: k.distillationId, topic_count: 5, questions: stubQuestions(k.keyword, 5) });
    }
    expect(await topicsOf(accountId, 'empty keyword')).toEqual([]);
    expect(await invariantViolations(stack.database, accountId)).toEqual([]);
    await replayAndRecord(run.id, 'distillation-run-20-keywords-one-retried-one-failed');
  });

  it('drops questions that repeat existing topics (normalised or near) and each other; an existing keyword gets the new ones', async () => {
    const { apiKey: key, accountId } = await newAccount(stack.database);
    const asked = stubQuestions('solar panels', 5);
    const [existingId] = await seedDistillations(stack.database, accountId, [
      { keyword: 'Solar Panels', topics: [asked[0]!.toUpperCase().replace('?', ' ?'), `${asked[2]!}!`] },
    ]);
    stack.stub.setBehavior((req) => {
      if (keywordOf(req) === 'solar panels') return {};
      // Within the answer: a repeat with other spacing and case, and a near copy.
      return { content: JSON.stringify(['What is a heat pump?', 'what is  a HEAT pump', 'How much does a heat pump cost?', 'How much does a heat pump cost ?!']) };
    });
    const created = await call('POST', R, key, { keywords: ['solar panels', 'heat pump'], questionsPerKeyword: 5 });
    const run = await runEnd(key, created.body.id);

    const [solar, pump] = run.keywords;
    expect(solar).toMatchObject({ state: 'done', distillationId: existingId, duplicateCount: 2 });
    expect(solar.questions.map((q: any) => q.question)).toEqual([asked[1], asked[3], asked[4]]);
    const [d] = await topicsOf(accountId, 'Solar Panels');
    expect(d!.topic_count).toBe(5);
    expect(d!.questions.slice(2)).toEqual([asked[1], asked[3], asked[4]]);
    expect(pump).toMatchObject({ state: 'done', duplicateCount: 2 });
    expect(pump.questions.map((q: any) => q.question)).toEqual(['What is a heat pump?', 'How much does a heat pump cost?']);
    expect(await invariantViolations(stack.database, accountId)).toEqual([]);
  });

  it('a run canceled midway: finished keywords keep their questions, the rest end canceled', async () => {
    const { apiKey: key, accountId } = await newAccount(stack.database);
    stack.stub.setBehavior((req) => (keywordOf(req)?.startsWith('slow') ? { hang: true } : {}));
    const keywords = ['fast a', 'fast b', 'slow a', 'slow b', 'slow c', 'slow d'];
    const created = await call('POST', R, key, { keywords, questionsPerKeyword: 3 });
    const runId = created.body.id;
    await waitFor('two keywords done', async () => ((await call('GET', `${R}/${runId}`, key)).body.doneCount === 2 ? true : undefined));
    const cancel = await call('POST', `${R}/${runId}/cancel`, key);
    expect(cancel.status).toBe(202);
    expect(cancel.body).toEqual({ runId, status: 'cancel_requested' });
    const run = await runEnd(key, runId);

    expect(run.status).toBe('canceled');
    expect(run.keywords.map((k: any) => k.state)).toEqual(['done', 'done', 'canceled', 'canceled', 'canceled', 'canceled']);
    expect(run.keywords[0].questions).toHaveLength(3);
    expect(run.canceledCount).toBe(4);
    expect((await topicsOf(accountId, 'fast a'))[0]!.topic_count).toBe(3);
    expect(await topicsOf(accountId, 'slow a')).toEqual([]);
    expect((await call('POST', `${R}/${runId}/cancel`, key)).body.error.code).toBe('RUN_ALREADY_FINISHED');
    await replayAndRecord(runId, 'distillation-run-canceled-midway');
  });

  it('with review the questions wait; accept keeps the named ones and drops the rest', async () => {
    const { apiKey: key, accountId } = await newAccount(stack.database);
    stack.stub.setBehavior(() => ({}));
    const created = await call('POST', R, key, { keywords: ['kettle', 'toaster'], questionsPerKeyword: 3, review: true });
    const run = await runEnd(key, created.body.id);
    expect(run.status).toBe('completed');
    expect(run.pendingReviewCount).toBe(6);
    expect(run.keywords.flatMap((k: any) => k.questions.map((q: any) => q.state))).toEqual(Array(6).fill('pending_review'));
    expect(await topicsOf(accountId, 'kettle')).toEqual([]);

    const [first, second] = run.keywords[0].questions;
    const accepted = await call('POST', `${R}/${run.id}/accept`, key, { questionIds: [first.id, second.id] });
    expect(accepted.status).toBe(200);
    expect(accepted.body).toEqual({ runId: run.id, accepted: 2, rejected: 4, addedTopics: 2 });
    const [kettle] = await topicsOf(accountId, 'kettle');
    expect(kettle).toMatchObject({ topic_count: 2, questions: [first.question, second.question] });
    expect(await topicsOf(accountId, 'toaster')).toEqual([]);
    const after = (await call('GET', `${R}/${run.id}`, key)).body;
    expect(after.pendingReviewCount).toBe(0);
    expect(after.keywords[1].questions.map((q: any) => q.state)).toEqual(['rejected', 'rejected', 'rejected']);
    // Settled questions cannot be accepted again.
    const again = await call('POST', `${R}/${run.id}/accept`, key, { questionIds: [after.keywords[1].questions[0].id] });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('QUESTION_NOT_PENDING_REVIEW');
    expect(await invariantViolations(stack.database, accountId)).toEqual([]);
  });

  it("streams the run's progress as Server-Sent Events until its final event; a client with the final event gets 204", async () => {
    const { apiKey: key } = await newAccount(stack.database);
    stack.stub.setBehavior((req) => (keywordOf(req) === 'broken' ? { content: '[]' } : {}));
    const created = await call('POST', R, key, { keywords: ['lamp', 'broken', 'desk'], questionsPerKeyword: 2 });
    const conn = await openSse(`${stack.api.url}${R}/${created.body.id}/events`, { authorization: `Bearer ${key}` });
    expect(conn.status).toBe(200);
    const messages = await readUntilEnd(conn);
    const types = messages.map((m) => m.event);
    expect(types[0]).toBe('distillation.run.started');
    expect(types.at(-1)).toBe('distillation.run.completed');
    expect(types.filter((t) => t === 'distillation.keyword.done')).toHaveLength(2);
    const failed = messages.find((m) => m.event === 'distillation.keyword.failed')!;
    expect(JSON.parse(failed.data)).toMatchObject({ runId: created.body.id, type: 'distillation.keyword.failed', data: { keyword: 'broken', error: NO_USABLE_QUESTIONS } });
    expect(JSON.parse(messages.at(-1)!.data).data).toEqual({ keywordCount: 3, doneCount: 2, failedCount: 1, canceledCount: 0, errorMessage: null });
    const again = await openSse(`${stack.api.url}${R}/${created.body.id}/events`, { authorization: `Bearer ${key}`, 'last-event-id': messages.at(-1)!.id! });
    expect(again.status).toBe(204);
  });

  it('refuses bad requests with 400 and keeps nothing; another account sees 404', async () => {
    const { apiKey: key, accountId } = await newAccount(stack.database);
    for (const body of [
      { keywords: [], questionsPerKeyword: 3 },
      { keywords: Array.from({ length: 501 }, (_, i) => `k${i}`), questionsPerKeyword: 3 },
      { keywords: ['a'], questionsPerKeyword: 21 },
      { keywords: ['  '], questionsPerKeyword: 3 },
      { keywords: ['a'], questionsPerKeyword: 3, language: 'not a tag!' },
    ]) {
      const res = await call('POST', R, key, body);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBeTypeOf('string');
    }
    const [row] = await stack.database.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM distillation_runs WHERE account_id = ${accountId}`;
    expect(row!.n).toBe(0);
    const other = await newAccount(stack.database);
    stack.stub.setBehavior(() => ({}));
    const created = await call('POST', R, key, { keywords: ['mine'], questionsPerKeyword: 1 });
    expect((await call('GET', `${R}/${created.body.id}`, other.apiKey)).status).toBe(404);
    expect((await call('GET', R, key)).body).toMatchObject({ page: 1, total: 1, runs: [{ id: created.body.id }] });
  });

  it('a run over the daily keyword quota is refused with 429 QUOTA_EXCEEDED and keeps nothing', async () => {
    const limited = await startApiServer(stack.database, stack.worker.target, { limits: { ...DEFAULT_LIMITS, maxDistilledKeywordsPerDay: 3 } });
    try {
      const { apiKey: key, accountId } = await newAccount(stack.database);
      const first = await limited.call('POST', R, key, { keywords: ['one', 'two'], questionsPerKeyword: 1 });
      expect(first.status).toBe(202);
      const refused = await limited.call('POST', R, key, { keywords: ['three', 'four'], questionsPerKeyword: 1 });
      expect(refused.status).toBe(429);
      expect(refused.body.error).toMatchObject({ code: 'QUOTA_EXCEEDED', details: { quota: 'distilledKeywordsPerDay', limit: 3, used: 2, remaining: 1, requested: 2 } });
      const [row] = await stack.database.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM distillation_runs WHERE account_id = ${accountId}`;
      expect(row!.n).toBe(1);
    } finally {
      await limited.close();
    }
  });
});
