import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/server/app.js';
import type { ApiDeps } from '../../src/http/deps.js';
import { createTaskWithReservations } from '../../src/domain/tasks/selection.js';
import { appendTaskEvent } from '../../src/domain/tasks/task-events.js';
import { finishTask, startTask } from '../../src/domain/tasks/task-lifecycle.js';
import { createLogger } from '../../src/logger.js';
import { callJson, serveApp, type TestServer } from '../support/api-server.js';
import { newAccount, openTestDatabase, seedDistillations } from '../support/db.js';
import { startLlmStub, type LlmStub } from '../support/llm-stub.js';
import { openSse, readUntilEnd } from '../support/sse.js';
import { decodeEvent as decode, expectPayloadsMatchVocabulary, expectWellFormed, storedEvents, taskRow as storedTask } from '../support/task-event-checks.js';
import { startTestWorker } from '../support/worker.js';
import { TEST_PAYLOAD_CODEC } from '../support/payload-codec.js';

/** GET /tasks/:id/events end to end: real server, worker, PostgreSQL LISTEN/NOTIFY and the LLM stub. */

const database = openTestDatabase(10);
const TASKS = '/api/article-generation/tasks';
let stub: LlmStub;
let worker: Awaited<ReturnType<typeof startTestWorker>>;
let api: TestServer;
let deps: ApiDeps;

beforeAll(async () => {
  stub = await startLlmStub();
  worker = await startTestWorker(database, stub.url);
  deps = { db: database.db, temporal: worker.target, log: createLogger('silent'), defaultConcurrency: 5, codec: TEST_PAYLOAD_CODEC, codecCorsOrigins: [] };
  api = await serveApp(createApp(deps));
});
afterAll(async () => {
  await api?.close();
  await worker?.stop();
  await stub?.close();
  await database.close();
});

const auth = (key: string) => ({ authorization: `Bearer ${key}` });
const eventsUrl = (taskId: number, query = '') => `${api.url}${TASKS}/${taskId}/events${query}`;

async function accountWithDistillations(n: number) {
  const account = await newAccount(database);
  await seedDistillations(database, account.accountId, Array.from({ length: n }, (_, i) => ({ keyword: `events kw ${i}` })));
  return account;
}

/** Creates a task through the API, so the worker runs it. */
async function createTask(articleCount: number, concurrency: number) {
  const account = await accountWithDistillations(articleCount);
  const r = await callJson(api.url, 'POST', TASKS, account.apiKey, { articleCount, concurrency });
  expect(r.status, r.text).toBe(201);
  return { ...account, taskId: r.body.taskId as number };
}

/** Runs a 4-article task to completion, watching its stream, and returns its events from the database. */
async function finishedTask() {
  stub.setLatency(0);
  const task = await createTask(4, 2);
  const conn = await openSse(eventsUrl(task.taskId), auth(task.apiKey));
  await readUntilEnd(conn);
  const events = await storedEvents(database, task.taskId);
  expect(events.at(-1)?.type).toBe('task.completed');
  return { ...task, events };
}

describe('task event stream', () => {
  it('delivers task.started, every article.saved and task.completed in id order, then ends', async () => {
    stub.setLatency(100);
    const { apiKey, taskId, accountId } = await createTask(4, 2);
    const conn = await openSse(eventsUrl(taskId), auth(apiKey));
    expect(conn.status, conn.errorText ?? '').toBe(200);
    expect(conn.headers.get('content-type')).toContain('text/event-stream');
    const received = (await readUntilEnd(conn)).map(decode);

    expectWellFormed(received, taskId);
    const types = received.map((r) => r.event);
    expect(types.filter((t) => t !== 'task.progress')).toEqual([
      'task.started',
      'article.saved',
      'article.saved',
      'article.saved',
      'article.saved',
      'task.completed',
    ]);
    // Distinct, not exact: two concurrent saves can both append the same milestone (see saveGeneratedArticle's progressBefore).
    const milestones = received.filter((r) => r.event === 'task.progress').map((r) => r.body.data.milestone as number);
    expect([...new Set(milestones)]).toEqual([25, 50, 75]);
    expect(milestones).toEqual([...milestones].sort((a, b) => a - b));
    const saved = received.filter((r) => r.event === 'article.saved');
    expect(saved.map((r) => r.body.data.position).sort()).toEqual([0, 1, 2, 3]);
    for (const s of saved) {
      expect(s.body.data).toMatchObject({ articleId: expect.any(Number), title: expect.any(String), requestedCount: 4 });
    }
    expect(saved.map((r) => r.body.data.generatedCount)).toEqual([1, 2, 3, 4]);
    expect(received.at(-1)!.body.data).toMatchObject({ generatedCount: 4, requestedCount: 4, progress: 100 });
    // Exactly what the database holds, nothing more, nothing twice.
    expect(received.map((r) => r.body.id)).toEqual((await storedEvents(database, taskId)).map((e) => e.id));
    expect((await storedTask(database, taskId)).status).toBe('completed');
    // The save writes its events in SQL: what it wrote is what the event vocabulary says.
    expect((await expectPayloadsMatchVocabulary(database, accountId)).types).toEqual(['article.saved', 'task.completed', 'task.progress', 'task.started']);
  });

  it('replays exactly the events after Last-Event-ID (header or ?lastEventId=) and ends', async () => {
    const { apiKey, taskId, events } = await finishedTask();
    const ids = events.map((e) => e.id);
    expect(ids.length).toBeGreaterThanOrEqual(8);

    const byHeader = (await readUntilEnd(await openSse(eventsUrl(taskId), { ...auth(apiKey), 'last-event-id': String(ids[1]) }))).map(decode);
    expect(byHeader.map((r) => r.body.id)).toEqual(ids.slice(2));
    expectWellFormed(byHeader, taskId);
    expect(byHeader.at(-1)!.event).toBe('task.completed');

    const byQuery = (await readUntilEnd(await openSse(eventsUrl(taskId, `?lastEventId=${ids[1]}`), auth(apiKey)))).map(decode);
    expect(byQuery.map((r) => r.body.id)).toEqual(ids.slice(2));

    // An EventSource reconnect sends the header while the URL keeps the first query: the header wins.
    const both = await openSse(eventsUrl(taskId, `?lastEventId=${ids[0]}`), { ...auth(apiKey), 'last-event-id': String(ids[3]) });
    expect((await readUntilEnd(both)).map((m) => Number(m.id))).toEqual(ids.slice(4));
  });

  it('replays a finished task in full without Last-Event-ID; reconnecting at its final event is 204', async () => {
    const { apiKey, taskId, events } = await finishedTask();
    const all = (await readUntilEnd(await openSse(eventsUrl(taskId), auth(apiKey)))).map(decode);
    expect(all.map((r) => [r.body.id, r.event])).toEqual(events.map((e) => [e.id, e.type]));
    expectWellFormed(all, taskId);

    const atEnd = await openSse(eventsUrl(taskId), { ...auth(apiKey), 'last-event-id': String(events.at(-1)!.id) });
    expect(atEnd.status).toBe(204);
    expect(atEnd.errorText).toBe('');
  });

  it('sends each article.saved while the task still runs, one at a time (slow LLM, concurrency 1)', async () => {
    stub.setLatency(300);
    try {
      const { apiKey, taskId } = await createTask(4, 1);
      const conn = await openSse(eventsUrl(taskId), auth(apiKey));
      const atReceipt: { position: number; status: string; generated: number }[] = [];
      const types: string[] = [];
      for await (const m of conn.messages()) {
        const r = decode(m);
        types.push(r.event);
        if (r.event !== 'article.saved') continue;
        const row = await storedTask(database, taskId);
        atReceipt.push({ position: r.body.data.position, status: row.status, generated: row.generated_count });
      }
      expect(types.at(-1)).toBe('task.completed');
      // Sequential: article p arrives when p + 1 articles are saved and the task is still running.
      expect(atReceipt).toEqual([0, 1, 2, 3].map((p) => ({ position: p, status: 'running', generated: p + 1 })));
    } finally {
      stub.setLatency(0);
    }
  });

  it("does not end at a final event a retry superseded; 404 for another account's task, 401 without a key, 400 for bad ids", async () => {
    const { accountId, apiKey } = await accountWithDistillations(1);
    const task = await createTaskWithReservations(database.db, accountId, { articleCount: 1 });
    await startTask(database.db, task.id);
    await finishTask(database.db, task.id, { status: 'failed', reason: 'first attempt failed' });
    await appendTaskEvent(database.db, { accountId, taskId: task.id, type: 'task.started', data: { requestedCount: 1 } });

    const conn = await openSse(eventsUrl(task.id), auth(apiKey));
    const seen: string[] = [];
    const reading = (async () => {
      for await (const m of conn.messages()) seen.push(m.event);
    })();
    await expect.poll(() => seen.length).toBe(3);
    expect(seen).toEqual(['task.started', 'task.failed', 'task.started']);
    await appendTaskEvent(database.db, { accountId, taskId: task.id, type: 'task.completed', data: { requestedCount: 1, generatedCount: 1, failedCount: 0, skippedCount: 0, progress: 100, errorMessage: null } });
    await reading;
    expect(seen).toEqual(['task.started', 'task.failed', 'task.started', 'task.completed']);

    const other = await newAccount(database);
    const foreign = await openSse(eventsUrl(task.id), auth(other.apiKey));
    expect(foreign.status).toBe(404);
    expect(JSON.parse(foreign.errorText!).error.code).toBe('NOT_FOUND');
    const anonymous = await openSse(eventsUrl(task.id));
    expect(anonymous.status).toBe(401);
    expect(JSON.parse(anonymous.errorText!).error.code).toBe('UNAUTHENTICATED');
    const badLast = await openSse(eventsUrl(task.id), { ...auth(apiKey), 'last-event-id': 'abc' });
    expect(badLast.status).toBe(400);
    expect(JSON.parse(badLast.errorText!).error.code).toBe('INVALID_LAST_EVENT_ID');
    expect((await openSse(eventsUrl(task.id, '?lastEventId=-1'), auth(apiKey))).status).toBe(400);
    // A bad query value is refused even where the header, which wins, is good (the fuzzer's ST201).
    for (const query of ['?lastEventId=-33462', '?lastEventId=1000000000000000']) {
      const both = await openSse(eventsUrl(task.id, query), { ...auth(apiKey), 'last-event-id': '0' });
      expect(both.status, query).toBe(400);
      expect(JSON.parse(both.errorText!).error.code).toBe('INVALID_LAST_EVENT_ID');
    }
    expect((await openSse(`${api.url}${TASKS}/abc/events`, auth(apiKey))).status).toBe(400);
  });
});
