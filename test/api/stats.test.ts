import { beforeAll, describe, expect, it } from 'vitest';
import { apiCall, waitForTaskEnd, type CallOptions } from '../support/api-server.js';
import { newAccount } from '../support/db.js';
import { keywordOf } from '../support/llm-stub.js';
import { useTestStack } from '../support/stack.js';

/** GET /api/stats end to end: real HTTP, a real worker and the LLM stub; expected values are computed from the API's own rows. */

const stack = useTestStack({ policy: {} });
const { database } = stack;
/** Which keywords' articles the stub refuses with a non-retryable 400. */
let refuse: (keyword: string) => boolean = () => false;

beforeAll(() => {
  stack.stub.setBehavior((req) => (refuse(keywordOf(req) ?? '') ? { status: 400, errorMessage: 'content policy violation' } : {}));
});

const call = (method: string, path: string, opts: CallOptions = {}) => apiCall(stack.api.url, method, path, opts);
const TASKS = '/api/article-generation/tasks';

async function importKeywords(key: string, keywords: string[]) {
  const r = await call('POST', '/api/distillations/import', {
    key,
    json: { distillations: keywords.map((keyword) => ({ keyword, topics: [`What is ${keyword}?`] })) },
  });
  expect(r.status, r.text).toBe(201);
}

/** Creates a task through the API and polls its detail until it is terminal. */
async function runTask(key: string, json: Record<string, unknown>) {
  const created = await call('POST', TASKS, { key, json });
  expect(created.status, created.text).toBe(201);
  return waitForTaskEnd(created.body.taskId, async () => {
    const detail = await call('GET', `${TASKS}/${created.body.taskId}`, { key });
    expect(detail.status, detail.text).toBe(200);
    return detail.body;
  });
}

async function stats(key: string) {
  const r = await call('GET', '/api/stats', { key });
  expect(r.status, r.text).toBe(200);
  return r.body;
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
/** PostgreSQL's percentile_cont: linear interpolation between the closest ranks. */
function percentileCont(xs: number[], p: number) {
  const s = [...xs].sort((a, b) => a - b);
  const pos = p * (s.length - 1);
  const lo = Math.floor(pos);
  return s[lo]! + (s[Math.ceil(pos)]! - s[lo]!) * (pos - lo);
}
/** Rounded server value vs. the exact expected one; timestamps in the API have millisecond precision. */
const expectNear = (actual: number | null, expected: number, slack = 1) => {
  expect(actual).not.toBeNull();
  expect(Math.abs(actual! - expected), `${actual} vs ${expected}`).toBeLessThanOrEqual(slack);
};

const EMPTY_WINDOW = {
  tasks: { byStatus: { pending: 0, running: 0, paused: 0, completed: 0, failed: 0, canceled: 0, timeout: 0 }, total: 0 },
  articles: { total: 0, approved: 0, pendingReview: 0 },
  tokens: { prompt: 0, completion: 0, total: 0 },
  articleDurationMs: { mean: null, p95: null },
  failureRate: null,
  taskDurationMs: { mean: null, p95: null },
};

describe('GET /api/stats', () => {
  it('needs an API key', async () => {
    const none = await call('GET', '/api/stats');
    expect([none.status, none.body?.error?.code]).toEqual([401, 'UNAUTHENTICATED']);
    const bad = await call('GET', '/api/stats', { key: 'ak_not-a-real-key' });
    expect([bad.status, bad.body?.error?.code]).toEqual([401, 'INVALID_API_KEY']);
  });

  it('reports zeros and nulls for an account with nothing yet', async () => {
    const { apiKey } = await newAccount(database);
    expect(await stats(apiKey)).toEqual({ last24h: EMPTY_WINDOW, allTime: EMPTY_WINDOW, awaitingReview: 0, cost: { today: [], thisMonth: [], thisMonthByModel: [] } });
  });

  it('counts tasks by status, articles, tokens, failure rate and durations, per account and per window', async () => {
    const other = await newAccount(database);
    await importKeywords(other.apiKey, [`acct${other.accountId}-other`]);
    expect((await runTask(other.apiKey, { articleCount: 1 })).status).toBe('completed');
    const otherBefore = await stats(other.apiKey);
    expect(otherBefore.allTime.tasks.byStatus.completed).toBe(1);

    const { accountId, apiKey } = await newAccount(database);
    const kw = Array.from({ length: 6 }, (_, i) => `acct${accountId}-s${i}`);
    await importKeywords(apiKey, kw);

    // 3 articles, 1 refused: completed. 2 articles, both refused: failed. 1 article awaiting review: completed.
    refuse = (k) => k === kw[2];
    const partial = await runTask(apiKey, { articleCount: 3, concurrency: 3 });
    expect(partial).toMatchObject({ status: 'completed', generatedCount: 2, failedCount: 1 });
    refuse = () => true;
    const failed = await runTask(apiKey, { articleCount: 2 });
    expect(failed).toMatchObject({ status: 'failed', generatedCount: 0, failedCount: 2 });
    refuse = () => false;
    const review = await runTask(apiKey, { articleCount: 1, autoApprove: false });
    expect(review).toMatchObject({ status: 'completed', generatedCount: 1 });

    // An older task and article, outside the last 24 hours.
    const twoDaysAgo = new Date(Date.now() - 48 * 3600 * 1000).toISOString();
    const tenSecondsLater = new Date(Date.parse(twoDaysAgo) + 10_000).toISOString();
    const [old] = await database.sql<{ id: number }[]>`
      INSERT INTO generation_tasks (account_id, requested_count, generated_count, status, prompt_tokens, completion_tokens, created_at, submitted_at, started_at, completed_at)
      VALUES (${accountId}, 1, 1, 'completed', 100, 200, ${twoDaysAgo}, ${twoDaysAgo}, ${twoDaysAgo}, ${tenSecondsLater})
      RETURNING id`;
    await database.sql`
      INSERT INTO articles (account_id, task_id, position, keyword, topics, title, content, review_status, prompt_tokens, completion_tokens, duration_ms, created_at)
      VALUES (${accountId}, ${old!.id}, 0, 'old', '[]'::jsonb, 'Old', 'Old article', 'approved', 100, 200, 5000, ${twoDaysAgo})`;

    const listed = await call('GET', '/api/articles?pageSize=100', { key: apiKey });
    expect(listed.status, listed.text).toBe(200);
    const recent = (listed.body.articles as any[]).filter((a) => a.keyword !== 'old');
    expect(recent).toHaveLength(3);
    const prompt = recent.reduce((n, a) => n + a.promptTokens, 0);
    const completion = recent.reduce((n, a) => n + a.completionTokens, 0);
    expect(prompt).toBeGreaterThan(0);
    const durations = recent.map((a) => a.durationMs as number);
    const taskDurations = [partial, failed, review].map((t) => Date.parse(t.completedAt) - Date.parse(t.startedAt));

    const s = await stats(apiKey);
    expect(s.last24h).toMatchObject({
      tasks: { byStatus: { pending: 0, running: 0, paused: 0, completed: 2, failed: 1, canceled: 0, timeout: 0 }, total: 3 },
      articles: { total: 3, approved: 2, pendingReview: 1 },
      tokens: { prompt, completion, total: prompt + completion },
      failureRate: 0.5, // 3 refused of 6 finished articles
    });
    expectNear(s.last24h.articleDurationMs.mean, mean(durations));
    expectNear(s.last24h.articleDurationMs.p95, percentileCont(durations, 0.95));
    expectNear(s.last24h.taskDurationMs.mean, mean(taskDurations), 2);
    expectNear(s.last24h.taskDurationMs.p95, percentileCont(taskDurations, 0.95), 2);

    expect(s.allTime).toMatchObject({
      tasks: { byStatus: { completed: 3, failed: 1 }, total: 4 },
      articles: { total: 4, approved: 3, pendingReview: 1 },
      tokens: { prompt: prompt + 100, completion: completion + 200, total: prompt + completion + 300 },
    });
    expect(s.allTime.failureRate).toBeCloseTo(3 / 7, 10);
    expectNear(s.allTime.articleDurationMs.mean, mean([...durations, 5000]));
    expectNear(s.allTime.articleDurationMs.p95, percentileCont([...durations, 5000], 0.95));
    expectNear(s.allTime.taskDurationMs.mean, mean([...taskDurations, 10_000]), 2);

    // The other account saw none of it.
    expect(await stats(other.apiKey)).toEqual(otherBefore);
  });
});
