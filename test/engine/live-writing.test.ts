import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOpenAiClient, parseArticle } from '../../src/llm/index.js';
import { DELTA_INTERVAL_MS } from '../../src/domain/live/index.js';
import { LIVE_EVENTS } from '../../src/shared/events/index.js';
import { startApiServer } from '../support/api-server.js';
import { newAccount, openTestDatabase, seedDistillations } from '../support/db.js';
import { keywordOf, splitContent, startLlmStub, type LlmStub, type StubRequest } from '../support/llm-stub.js';
import { openSse, type SseMessage } from '../support/sse.js';
import { startTestWorker } from '../support/worker.js';

/**
 * Live writing end to end: a streaming loopback model, a real worker and two API servers with pools (and
 * LISTEN connections) of their own, standing for two API processes. Deltas travel by NOTIFY and are
 * never stored; a stream gets them between its stored events.
 */

const database = openTestDatabase(10);
const secondProcess = openTestDatabase(5);
const TASKS = '/api/article-generation/tasks';
let stub: LlmStub;
let worker: Awaited<ReturnType<typeof startTestWorker>>;
let api: Awaited<ReturnType<typeof startApiServer>>;
let api2: Awaited<ReturnType<typeof startApiServer>>;

beforeAll(async () => {
  stub = await startLlmStub();
  worker = await startTestWorker(database, stub.url, { timeoutMs: 20_000, maxAttempts: 3, retryInitialMs: 50 }, {
    llm: createOpenAiClient({ baseUrl: stub.url, model: 'stub-model', timeoutMs: 20_000, streaming: true }),
  });
  api = await startApiServer(database, worker.target);
  api2 = await startApiServer(secondProcess, worker.target);
});
afterAll(async () => {
  await api?.close();
  await api2?.close();
  await worker?.stop();
  await stub?.close();
  await secondProcess.close();
  await database.close();
});

interface Received {
  event: string;
  id: string | undefined;
  body: { taskId: number; type: string; data: Record<string, any> };
  at: number;
}

/** Opens a task's stream (subscribed once it answered); `read` reads it to its end, with when each message arrived. */
async function open(baseUrl: string, key: string, taskId: number, lastEventId?: string) {
  const conn = await openSse(`${baseUrl}${TASKS}/${taskId}/events`, { authorization: `Bearer ${key}`, ...(lastEventId ? { 'last-event-id': lastEventId } : {}) });
  expect(conn.status, conn.errorText ?? '').toBe(200);
  return {
    async read(): Promise<Received[]> {
      const out: Received[] = [];
      const read = (async () => {
        for await (const m of conn.messages() as AsyncIterable<SseMessage>) out.push({ event: m.event, id: m.id, body: JSON.parse(m.data), at: performance.now() });
      })();
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`stream did not end: ${out.map((r) => r.event).join(',')}`)), 60_000)));
      try {
        await Promise.race([read, late]);
      } finally {
        clearTimeout(timer);
        conn.close();
      }
      return out;
    },
  };
}

/** The model answers only once `opened` resolves: the test's streams are subscribed before the first delta. */
function gate() {
  let release!: () => void;
  const opened = new Promise<void>((resolve) => (release = resolve));
  return { opened, release };
}

async function startTask(keywords: string[], concurrency = 2) {
  const account = await newAccount(database);
  await seedDistillations(database, account.accountId, keywords.map((keyword) => ({ keyword })));
  const r = await api.call('POST', TASKS, account.apiKey, { articleCount: keywords.length, concurrency });
  expect(r.status, r.text).toBe(201);
  return { ...account, taskId: r.body.taskId as number };
}

/** The stub's answer for a keyword: 40 pieces, 25 ms apart (about a second per article). */
const content = (kw: string) => `# Live article about ${kw}\n\n${Array.from({ length: 12 }, (_, i) => `Paragraph ${i} about ${kw} grows word by word.`).join('\n\n')}\n`;

describe('article.delta', () => {
  it('carries each article in order to both API processes, ended by article.saved, throttled, and is never replayed', async () => {
    const keywords = ['live alpha', 'live beta', 'live gamma'];
    const g = gate();
    stub.setBehavior(async (req) => {
      await g.opened;
      return { chunks: splitContent(content(keywordOf(req) ?? 'x'), 40), chunkDelayMs: 25 };
    });
    const task = await startTask(keywords);
    const streams = await Promise.all([open(api.url, task.apiKey, task.taskId), open(api2.url, task.apiKey, task.taskId)]);
    g.release();
    const [one, two] = (await Promise.all(streams.map((s) => s.read()))) as [Received[], Received[]];

    const requests = stub.requests.filter((r) => keywords.includes(keywordOf(r) ?? ''));
    expect(requests).toHaveLength(3);
    for (const req of requests) expect(req.body).toMatchObject({ stream: true, stream_options: { include_usage: true } });

    for (const received of [one, two]) {
      expect(received.at(-1)!.event).toBe('task.completed');
      const saved = received.filter((r) => r.event === 'article.saved');
      expect(saved).toHaveLength(3);
      for (const s of saved) {
        const position = s.body.data.position as number;
        const mine = received.filter((r) => r.event === 'article.delta' && r.body.data.position === position);
        expect(mine.length).toBeGreaterThan(0);
        // Deltas have no SSE id: a reconnect resumes after the last stored event.
        for (const d of mine) {
          expect(d.id).toBeUndefined();
          expect(LIVE_EVENTS['article.delta'].data.parse(d.body.data)).toEqual(d.body.data);
          expect(d.body.taskId).toBe(task.taskId);
        }
        // In order, without gaps, and all before the save.
        let offset = 0;
        for (const d of mine) {
          expect(d.body.data.offset).toBe(offset);
          offset += (d.body.data.text as string).length;
        }
        expect(received.indexOf(mine.at(-1)!)).toBeLessThan(received.indexOf(s));
        const text = mine.map((d) => d.body.data.text as string).join('');
        const req = requests.find((r) => text.includes(`Live article about ${keywordOf(r)}\n`))!;
        expect(text).toBe(req.chunks!.map((c) => c.text).join(''));
        const article = await api.call('GET', `/api/articles/${s.body.data.articleId}`, task.apiKey);
        expect(article.status, article.text).toBe(200);
        expect(parseArticle(text)).toEqual({ title: article.body.title, content: article.body.content });
        // The throttle: at most one delta per 200 ms per article, and the last flush before the save.
        const duration = s.at - req.chunks![0]!.at;
        expect(mine.length).toBeLessThanOrEqual(Math.floor(duration / DELTA_INTERVAL_MS) + 2);
        expect(mine.length).toBeLessThan(40);
      }
    }
    // Both processes got the same deltas.
    const deltas = (r: Received[]) => r.filter((m) => m.event === 'article.delta').map((m) => m.body.data);
    expect(deltas(two)).toEqual(deltas(one));

    // Nothing of them was stored: a reconnect from the start replays the saved articles, not the deltas.
    const replay = await (await open(api.url, task.apiKey, task.taskId, '0')).read();
    expect(replay.some((r) => r.event.startsWith('article.delta'))).toBe(false);
    expect(replay.filter((r) => r.event === 'article.saved')).toHaveLength(3);
    const stored = await database.sql`SELECT type FROM task_events WHERE task_id = ${task.taskId} AND type LIKE 'article.%'`;
    expect(stored.map((r) => r.type).sort()).toEqual(['article.saved', 'article.saved', 'article.saved']);
  });

  it("follows a failed attempt's partial text with article.attempt_failed, then the next attempt's text", async () => {
    const cut = new Set<string>();
    const g = gate();
    stub.setBehavior(async (req: StubRequest) => {
      await g.opened;
      const kw = keywordOf(req) ?? 'x';
      const first = !cut.has(kw);
      cut.add(kw);
      // The provider dies after 12 of its 40 pieces on the first try.
      return { chunks: splitContent(content(kw), 40), chunkDelayMs: 25, ...(first ? { failAfterChunks: 12 } : {}) };
    });
    const task = await startTask(['cut short']);
    const stream = await open(api.url, task.apiKey, task.taskId);
    g.release();
    const received = await stream.read();
    const types = received.map((r) => r.event).filter((t) => t.startsWith('article.'));
    const failedAt = types.indexOf('article.attempt_failed');
    expect(failedAt).toBeGreaterThan(0);
    expect(types.slice(0, failedAt).every((t) => t === 'article.delta')).toBe(true);
    expect(types.at(-1)).toBe('article.saved');

    const failed = received.find((r) => r.event === 'article.attempt_failed')!;
    expect(failed.id).toBeUndefined();
    expect(failed.body.data).toEqual({ position: 0, attempt: expect.any(Number), reason: 'failed' });
    const before = received.filter((r, i) => r.event === 'article.delta' && i < received.indexOf(failed));
    const after = received.filter((r, i) => r.event === 'article.delta' && i > received.indexOf(failed));
    for (const d of before) expect(d.body.data.attempt).toBe(failed.body.data.attempt);
    for (const d of after) expect(d.body.data.attempt).toBeGreaterThan(failed.body.data.attempt);
    // The partial text was the first 12 pieces at most; the next attempt starts again from offset 0.
    const partial = before.map((d) => d.body.data.text as string).join('');
    expect(content('cut short').startsWith(partial)).toBe(true);
    expect(partial.length).toBeLessThan(content('cut short').length);
    expect(after[0]!.body.data.offset).toBe(0);
    expect(after.map((d) => d.body.data.text as string).join('')).toBe(content('cut short'));
  });

  it('ends a draft the quality gate refused with article.attempt_failed (refused), then streams the rewrite', async () => {
    const asked = new Set<string>();
    const g = gate();
    stub.setBehavior(async (req: StubRequest) => {
      await g.opened;
      const kw = keywordOf(req) ?? 'x';
      const first = !asked.has(kw);
      asked.add(kw);
      // The first draft is far below the quality gate's 100 characters.
      return first ? { chunks: ['# Too short\n\n', 'Only ', 'this.'], chunkDelayMs: 30 } : { chunks: splitContent(content(kw), 10), chunkDelayMs: 30 };
    });
    const task = await startTask(['refused first']);
    const stream = await open(api.url, task.apiKey, task.taskId);
    g.release();
    const received = (await stream.read()).filter((r) => r.event.startsWith('article.'));
    const failed = received.findIndex((r) => r.event === 'article.attempt_failed');
    expect(received[failed]!.body.data).toMatchObject({ position: 0, reason: 'refused' });
    expect(received.slice(0, failed).map((r) => r.body.data.text).join('')).toBe('# Too short\n\nOnly this.');
    expect(received.at(-1)!.event).toBe('article.saved');
    expect(received.slice(failed + 1, -1).map((r) => r.body.data.text).join('')).toBe(content('refused first'));
  });
});
