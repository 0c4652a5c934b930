import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { connectDatabase } from '../../src/db/client.js';
import { taskWorkflowId } from '../../src/domain/tasks/workflow-id.js';
import { buildArticlePrompt } from '../../src/llm/template.js';
import { createOfflineGenerator } from '../../src/llm/offline-generator.js';
import { connectTemporal } from '../../src/temporal/connect.js';
import { startApiServer, waitForTaskEnd } from '../support/api-server.js';
import { createIsolatedDatabase, newAccount, seedDistillations } from '../support/db.js';
import { invariantViolations } from '../support/invariants.js';
import { keywordOf } from '../support/llm-stub.js';
import { TEST_PAYLOAD_CODEC } from '../support/payload-codec.js';
import { replayWithCurrentCode } from '../support/replay.js';
import { useTestStack } from '../support/stack.js';
import { workerProcesses } from '../support/worker-process.js';

/**
 * The five defects of issue 17 on the real stack (PostgreSQL, Temporal, loopback LLM stub): a flagged
 * article waits for a person; quality rewrites have their own budget and a written draft is never lost;
 * the offline generator varies with task and position; a refusal is one log line; an article shows the
 * time of all its attempts and its wall time. Three provider attempts and two rewrites per article.
 */
const stack = useTestStack({ latencyMs: 20, policy: { timeoutMs: 20_000, maxAttempts: 3, retryInitialMs: 50, maxRewrites: 2 } });
const { database } = stack;
const T = '/api/article-generation/tasks';
const LONG = 'Cold brew is coffee steeped in cold water for many hours, then filtered. '.repeat(4);
const article = (title: string, body: string) => `# ${title}\n\n${body}`;
const banned = article('Bad', `${LONG} This is FORBIDDEN.`);

async function account(keywords: string[], settings: Record<string, unknown>) {
  const acc = await newAccount(database);
  await seedDistillations(database, acc.accountId, keywords.map((keyword) => ({ keyword })));
  const put = await stack.api.call('PUT', '/api/quality-settings', acc.apiKey, settings);
  expect(put.status).toBe(200);
  return acc;
}

async function runTask(apiKey: string, body: Record<string, unknown>) {
  const created = await stack.api.call('POST', T, apiKey, body);
  expect(created.status, created.text).toBe(201);
  const id = created.body.taskId as number;
  return waitForTaskEnd(id, async () => (await stack.api.call('GET', `${T}/${id}`, apiKey)).body);
}

/** A console session for the key, signed in through the sign-in form as a browser would. */
async function consoleSession(apiKey: string) {
  const form = await fetch(`${stack.api.url}/sign-in`);
  const signInCookie = form.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const token = /name="_csrf" value="([^"]+)"/.exec(await form.text())![1]!;
  const signedIn = await fetch(`${stack.api.url}/sign-in`, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie: signInCookie, origin: stack.api.url, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: token, apiKey }).toString(),
  });
  expect(signedIn.status, await signedIn.text()).toBe(303);
  return signedIn.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
}

const requestsFor = (keyword: string) => stack.stub.requests.filter((r) => keywordOf(r) === keyword);

describe('1. a flagged article waits for a person', () => {
  it('saves a draft with a banned word pending_review with its flags, even when the task auto-approves; no article.approved', async () => {
    const kw = `flagged-${randomUUID().slice(0, 6)}`;
    const { apiKey, accountId } = await account([kw], { bannedWords: ['forbidden'] });
    const hook = await stack.api.call('POST', '/api/webhooks', apiKey, { url: 'http://127.0.0.1:9/hook', events: ['article.saved', 'article.approved'] });
    expect(hook.status, hook.text).toBe(201);
    stack.stub.setBehavior((req) => (keywordOf(req) === kw ? { content: banned } : {}));
    const task = await runTask(apiKey, { articleCount: 1, autoApprove: true });
    expect(task).toMatchObject({ status: 'completed', generatedCount: 1, flaggedCount: 1 });
    const saved = (await stack.api.call('GET', `/api/articles/${task.generatedArticles[0].id}`, apiKey)).body;
    expect(saved).toMatchObject({ reviewStatus: 'pending_review', qualityFlags: [{ check: 'banned_word' }] });
    const outbox = await database.sql<{ event_type: string; payload: Record<string, unknown> }[]>`
      SELECT event_type, payload FROM webhook_deliveries WHERE account_id = ${accountId} ORDER BY id`;
    expect(outbox.map((r) => r.event_type)).toEqual(['article.saved']);
    expect(outbox[0]!.payload).toMatchObject({ reviewStatus: 'pending_review', reviewReason: 'quality check: banned_word' });
    expect(await invariantViolations(database, accountId)).toEqual([]);
  });
});

describe('2. quality rewrites have their own budget; a written draft is never lost', () => {
  it('rewrites twice through provider 500s and saves the best draft flagged, never failing the article', async () => {
    const kw = `faulty-${randomUUID().slice(0, 6)}`;
    const { apiKey, accountId } = await account([kw], { bannedWords: ['forbidden'] });
    stack.stub.resetCounters();
    let calls = 0;
    // Every other call of the article fails with 500; every answer has the banned word.
    stack.stub.setBehavior((req) => (keywordOf(req) !== kw ? {} : ++calls % 2 === 0 ? { status: 500 } : { content: banned }));
    const task = await runTask(apiKey, { articleCount: 1 });
    expect(task).toMatchObject({ status: 'completed', generatedCount: 1, failedCount: 0, flaggedCount: 1 });
    const answered = requestsFor(kw).filter((r) => r.usage);
    // The first draft and two rewrites (QUALITY_MAX_REWRITES = 2), with a 500 before each rewrite.
    expect(answered).toHaveLength(3);
    expect(requestsFor(kw)).toHaveLength(5);
    expect(task.generatedArticles[0]).toMatchObject({ qualityFlags: [{ check: 'banned_word' }], qualityScores: { attempt: 5 } });
    expect(await invariantViolations(database, accountId)).toEqual([]);
    if (process.env.RECORD_WORKFLOW_HISTORIES) {
      const history = await stack.worker.client.workflow.getHandle(taskWorkflowId(task.id)).fetchHistory();
      await writeFile(path.resolve(import.meta.dirname, '../fixtures/histories/v2-quality-rewrites-through-provider-500s.json'), JSON.stringify(history));
    }
  });

  it('saves the refused draft flagged when every later provider call fails', async () => {
    const kw = `lost-${randomUUID().slice(0, 6)}`;
    const { apiKey, accountId } = await account([kw], { bannedWords: ['forbidden'] });
    stack.stub.resetCounters();
    let calls = 0;
    stack.stub.setBehavior((req) => (keywordOf(req) !== kw ? {} : ++calls === 1 ? { content: banned } : { status: 500 }));
    const task = await runTask(apiKey, { articleCount: 1 });
    expect(task).toMatchObject({ status: 'completed', generatedCount: 1, failedCount: 0, flaggedCount: 1 });
    expect(task.generatedArticles[0]).toMatchObject({ title: 'Bad', qualityFlags: [{ check: 'banned_word' }], qualityScores: { attempt: 1 } });
    // The first draft, then the first rewrite's three provider attempts.
    expect(requestsFor(kw)).toHaveLength(4);
    expect(await invariantViolations(database, accountId)).toEqual([]);
    const history = await stack.worker.client.workflow.getHandle(taskWorkflowId(task.id)).fetchHistory();
    await replayWithCurrentCode(history, `quality-lost-${task.id}`);
    if (process.env.RECORD_WORKFLOW_HISTORIES) {
      await writeFile(path.resolve(import.meta.dirname, '../fixtures/histories/v2-quality-draft-kept-when-the-provider-fails.json'), JSON.stringify(history));
    }
  });
});

describe('3. the offline generator varies with task and position', () => {
  const offline = createOfflineGenerator();
  // A worker writing with the offline generator (the zero-key default), beside the stub's.
  const offlineStack = useTestStack({ policy: { maxAttempts: 3, retryInitialMs: 50, maxRewrites: 2 }, worker: { llm: offline } });
  const pool = ['cold brew coffee', 'solar panels', 'sourdough bread', 'electric bikes', '冷萃咖啡', '太阳能板'];

  it('writes a pool twice (two tasks) with no near-duplicate refusals on the second task', async () => {
    const acc = await newAccount(offlineStack.database);
    const suffix = randomUUID().slice(0, 6);
    await seedDistillations(offlineStack.database, acc.accountId, pool.map((k) => ({ keyword: `${k} ${suffix}` })));
    expect((await offlineStack.api.call('PUT', '/api/quality-settings', acc.apiKey, { nearDuplicateMaxDistance: 3 })).status).toBe(200);
    const run = async () => {
      const created = await offlineStack.api.call('POST', T, acc.apiKey, { articleCount: pool.length, concurrency: 1 });
      expect(created.status, created.text).toBe(201);
      const task = await waitForTaskEnd(created.body.taskId, async () => (await offlineStack.api.call('GET', `${T}/${created.body.taskId}`, acc.apiKey)).body);
      expect(task.status).toBe('completed');
      return task;
    };
    const first = await run();
    const second = await run();
    // Each task's articles: every draft passed at once (attempt 1); a near duplicate would be refused first.
    const refusals = (task: { generatedArticles: { qualityScores: { attempt: number } }[] }) => task.generatedArticles.filter((a) => a.qualityScores.attempt > 1).length;
    expect([refusals(first), refusals(second)]).toEqual([0, 0]);
    for (const task of [first, second]) expect(task).toMatchObject({ generatedCount: pool.length, flaggedCount: 0 });
    expect(await invariantViolations(offlineStack.database, acc.accountId)).toEqual([]);
  });

  it('is deterministic for the same task and position, and differs for another', async () => {
    const messages = buildArticlePrompt({ keyword: 'cold brew coffee', topics: ['How long does it steep?', 'Is it stronger?'] });
    const write = async (seed: string) => (await offline.complete({ messages, seed })).content;
    expect(await write('task 7 position 0 draft 0')).toBe(await write('task 7 position 0 draft 0'));
    expect(await write('task 7 position 0 draft 0')).not.toBe(await write('task 8 position 0 draft 0'));
    expect(await write('task 7 position 0 draft 0')).not.toBe(await write('task 7 position 1 draft 0'));
  });
});

describe('4. a refused draft is one log line', () => {
  const suffix = randomUUID().slice(0, 8);
  const queues = { TASK_QUEUE: `qd-tasks-${suffix}`, LLM_TASK_QUEUE: `qd-llm-${suffix}`, USAGE_VERIFY_SCHEDULE_ID: `qd-usage-${suffix}` };
  let databaseUrl = '';
  const workers = workerProcesses(() => ({
    ...queues,
    DATABASE_URL: databaseUrl,
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    LLM_BASE_URL: stack.stub.url,
    LLM_MAX_ATTEMPTS: '3',
    LLM_RETRY_INITIAL_MS: '50',
    QUALITY_MAX_REWRITES: '2',
    QUALITY_BANNED_WORDS: 'forbidden',
    QUALITY_NEAR_DUPLICATE_MAX_DISTANCE: 'off',
    LOG_LEVEL: 'info',
  }));
  afterAll(async () => {
    await workers.killAll();
  });

  it('logs each refusal of a worker process as one info line, without a stack or the SDK activity-failure warning', async () => {
    databaseUrl = await createIsolatedDatabase(`artgen_quality_log_${suffix}`);
    const isolated = connectDatabase(databaseUrl, { max: 2 });
    const temporal = await connectTemporal(inject('temporalAddress'), 'default', TEST_PAYLOAD_CODEC);
    const api = await startApiServer(isolated, { client: temporal.client, taskQueue: queues.TASK_QUEUE });
    try {
      const kw = `logged-${suffix}`;
      const acc = await newAccount(isolated);
      await seedDistillations(isolated, acc.accountId, [{ keyword: kw }]);
      let drafts = 0;
      stack.stub.setBehavior((req) => (keywordOf(req) !== kw ? {} : ++drafts <= 2 ? { content: banned } : {}));
      const child = await workers.start();
      const output: string[] = [];
      child.stdout!.on('data', (c: Buffer) => output.push(c.toString()));
      child.stderr!.on('data', (c: Buffer) => output.push(c.toString()));
      const created = await api.call('POST', T, acc.apiKey, { articleCount: 1 });
      expect(created.status, created.text).toBe(201);
      const task = await waitForTaskEnd(created.body.taskId, async () => (await api.call('GET', `${T}/${created.body.taskId}`, acc.apiKey)).body);
      expect(task.status).toBe('completed');
      expect(task.generatedArticles[0]).toMatchObject({ qualityFlags: [], qualityScores: { attempt: 3 } });
      const lines = output.join('').split('\n');
      const refusals = lines.filter((l) => l.includes('draft failed the quality gate'));
      expect(refusals).toHaveLength(2);
      for (const line of refusals) expect(JSON.parse(line)).toMatchObject({ level: 30, checks: ['banned_word'] });
      expect(lines.filter((l) => /QualityCheckFailed|Activity failed|^\s+at /.test(l))).toEqual([]);
    } finally {
      await workers.killAll();
      await api.close();
      await temporal.close();
      await isolated.close();
    }
  });
});

describe('5. an article shows the time of all its attempts and its wall time', () => {
  it('attempts >= last attempt and wall >= attempts for an article with rewrites, and the task sums them', async () => {
    const kws = [`timed-${randomUUID().slice(0, 6)}`, `timed-${randomUUID().slice(0, 6)}`];
    const { apiKey } = await account(kws, { bannedWords: ['forbidden'] });
    let drafts = 0;
    stack.stub.setBehavior((req) => (keywordOf(req) !== kws[0] ? {} : ++drafts <= 2 ? { content: banned } : {}));
    const task = await runTask(apiKey, { articleCount: 2, concurrency: 1 });
    expect(task).toMatchObject({ status: 'completed', generatedCount: 2, flaggedCount: 0 });
    const [rewritten, direct] = await Promise.all(task.generatedArticles.map(async (a: { id: number }) => (await stack.api.call('GET', `/api/articles/${a.id}`, apiKey)).body));
    expect(rewritten.qualityScores.attempt).toBe(3);
    expect(rewritten.attemptsDurationMs).toBeGreaterThan(rewritten.durationMs);
    expect(rewritten.wallDurationMs).toBeGreaterThanOrEqual(rewritten.attemptsDurationMs);
    expect(direct.attemptsDurationMs).toBe(direct.durationMs);
    expect(direct.wallDurationMs).toBeGreaterThanOrEqual(direct.attemptsDurationMs);
    expect(task.attemptsDurationMs).toBe(rewritten.attemptsDurationMs + direct.attemptsDurationMs);
    expect(task.wallDurationMs).toBe(rewritten.wallDurationMs + direct.wallDurationMs);

    // The console shows both, on the article and (summed) on the task.
    const cookie = await consoleSession(apiKey);
    const articlePage = await (await fetch(`${stack.api.url}/articles/${rewritten.id}`, { headers: { cookie } })).text();
    expect(articlePage).toContain(`data-ms="${rewritten.attemptsDurationMs}"`);
    expect(articlePage).toContain(`data-ms="${rewritten.wallDurationMs}"`);
    const taskPage = await (await fetch(`${stack.api.url}/tasks/${task.id}`, { headers: { cookie } })).text();
    expect(taskPage).toMatch(new RegExp(`data-total="generation-ms" data-ms="${task.attemptsDurationMs}"`));
    expect(taskPage).toMatch(new RegExp(`data-total="wall-ms" data-ms="${task.wallDurationMs}"`));
  });
});
