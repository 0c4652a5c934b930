import http from 'node:http';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createApp, MAX_BODY_BYTES } from '../../src/server/app.js';
import type { ApiDeps } from '../../src/http/deps.js';
import { createLogger } from '../../src/logger.js';
import { connectTemporal, type TemporalHandles } from '../../src/temporal/connect.js';
import { newAccount, openTestDatabase } from '../support/db.js';
import { serveApp, type TestServer } from '../support/api-server.js';
import { invariantViolations } from '../support/invariants.js';
import { keywordOf, startLlmStub, type LlmStub } from '../support/llm-stub.js';
import { startTestWorker } from '../support/worker.js';
import { TEST_PAYLOAD_CODEC } from '../support/payload-codec.js';

/**
 * The HTTP API end to end: a real loopback server (createApp + @hono/node-server on port 0) over the
 * test run's PostgreSQL and Temporal, a real worker, and the LLM stub. Every request goes through fetch.
 */

const database = openTestDatabase(10);
let stub: LlmStub;
let worker: Awaited<ReturnType<typeof startTestWorker>>;
let api: TestServer;

const startServer = (deps: ApiDeps): Promise<TestServer> => serveApp(createApp(deps));

const deps = (temporal: ApiDeps['temporal']): ApiDeps => ({
  db: database.db,
  temporal,
  log: createLogger('silent'),
  defaultConcurrency: 5,
  codec: TEST_PAYLOAD_CODEC,
  codecCorsOrigins: [],
});

beforeAll(async () => {
  stub = await startLlmStub();
  worker = await startTestWorker(database, stub.url);
  api = await startServer(deps(worker.target));
});
afterAll(async () => {
  await api?.close();
  await worker?.stop();
  await stub?.close();
  await database.close();
});

interface Reply {
  status: number;
  body: any;
  text: string;
  headers: Headers;
}

interface CallOptions {
  key?: string | null;
  json?: unknown;
  rawBody?: string;
  headers?: Record<string, string>;
  server?: TestServer;
}

/** One real HTTP request; the body is parsed as JSON when there is one. */
async function call(method: string, path: string, opts: CallOptions = {}): Promise<Reply> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.key) headers.authorization = `Bearer ${opts.key}`;
  let body: string | undefined = opts.rawBody;
  if (opts.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(opts.json);
  } else if (body !== undefined && !headers['content-type']) {
    headers['content-type'] = 'application/json';
  }
  const res = await fetch(`${(opts.server ?? api).url}${path}`, { method, headers, body });
  const text = await res.text();
  let parsed: any = null;
  if (text !== '') {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = text;
    }
  }
  return { status: res.status, body: parsed, text, headers: res.headers };
}

/**
 * A request on a connection of its own (node:http, no agent), for bodies near the 2 MiB limit: the
 * server closes a connection whose oversized body it did not read, so such requests must not share
 * fetch's keep-alive pool (the 413 answer says `Connection: keep-alive`, yet the socket is closed
 * behind it). `chunked` sends the body with Transfer-Encoding: chunked instead of a Content-Length.
 */
function oneShot(method: string, path: string, key: string, body: Buffer, chunked: boolean): Promise<Reply> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const req = http.request(
      `${api.url}${path}`,
      {
        method,
        agent: false,
        headers: {
          authorization: `Bearer ${key}`,
          'content-type': 'application/json',
          ...(chunked ? { 'transfer-encoding': 'chunked' } : { 'content-length': String(body.length) }),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          settled = true;
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: any = null;
          try {
            parsed = text === '' ? null : JSON.parse(text);
          } catch {
            parsed = text;
          }
          resolve({ status: res.statusCode ?? 0, body: parsed, text, headers: new Headers(res.headers as Record<string, string>) });
        });
      },
    );
    // The server may stop reading an oversized body and close the socket once it has answered.
    req.on('error', (err) => {
      if (!settled) reject(err);
    });
    if (chunked) {
      const size = 256 * 1024;
      for (let i = 0; i < body.length; i += size) req.write(body.subarray(i, i + size));
      req.end();
    } else {
      req.end(body);
    }
  });
}

/** Asserts the uniform error shape and returns the error object. */
function expectError(reply: Reply, status: number, code: string) {
  expect({ status: reply.status, code: reply.body?.error?.code }, reply.text).toEqual({ status, code });
  expect(typeof reply.body.error.message).toBe('string');
  expect(reply.body.error.message.length).toBeGreaterThan(0);
  expect(Object.keys(reply.body)).toEqual(['error']);
  return reply.body.error as { code: string; message: string; details?: any };
}

const TERMINAL = ['completed', 'failed', 'canceled', 'timeout'];

/** Polls the task detail every 50 ms until it is terminal. */
async function waitForTask(key: string, taskId: number, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  let last: Reply | undefined;
  while (Date.now() < deadline) {
    last = await call('GET', `/api/article-generation/tasks/${taskId}`, { key });
    expect(last.status, last.text).toBe(200);
    if (TERMINAL.includes(last.body.status)) return last.body;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`task ${taskId} did not finish within ${timeoutMs} ms; last detail: ${last?.text}`);
}

const topicsFor = (kw: string) => [`What is ${kw}?`, `How does ${kw} work?`];

async function importDistillations(key: string, keywords: string[]): Promise<number[]> {
  const r = await call('POST', '/api/distillations/import', {
    key,
    json: { distillations: keywords.map((keyword) => ({ keyword, topics: topicsFor(keyword) })) },
  });
  expect(r.status, r.text).toBe(201);
  return r.body.ids;
}

async function distillationMap(key: string) {
  const r = await call('GET', '/api/distillations?pageSize=100', { key });
  expect(r.status, r.text).toBe(200);
  return new Map<number, any>(r.body.items.map((d: any) => [d.id, d]));
}

async function reservedTotal(accountId: number) {
  const [row] = await database.sql<{ n: number }[]>`
    SELECT coalesce(sum(reserved_count), 0)::int AS n FROM distillations WHERE account_id = ${accountId}`;
  return row!.n;
}

async function taskCount(accountId: number) {
  const [row] = await database.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM generation_tasks WHERE account_id = ${accountId}`;
  return row!.n;
}

describe('auth, health and routing', () => {
  it('/api/health needs no key and reports both dependencies ok', async () => {
    const r = await call('GET', '/api/health');
    expect(r.status, r.text).toBe(200);
    expect(r.body).toMatchObject({ status: 'ok', database: { status: 'ok' }, temporal: { status: 'ok' } });
    expect(typeof r.body.database.latencyMs).toBe('number');
    expect(typeof r.body.temporal.latencyMs).toBe('number');
  });

  it('/api/openapi.json needs no key and describes the routes with their request schemas', async () => {
    const r = await call('GET', '/api/openapi.json');
    expect(r.status, r.text).toBe(200);
    expect(r.body.openapi).toBe('3.1.0');
    const create = r.body.paths['/api/article-generation/tasks'].post;
    expect(create.requestBody.content['application/json'].schema.properties.articleCount).toMatchObject({ type: 'integer', minimum: 1, maximum: 100 });
    expect(create.responses).toHaveProperty('201');
    expect(r.body.paths['/api/article-generation/tasks/{id}/events'].get.responses['200'].content).toHaveProperty('text/event-stream');
    expect(r.body.paths['/api/health'].get.security).toEqual([]);
  });

  it('rejects a missing or malformed Authorization header with 401 UNAUTHENTICATED', async () => {
    const variants: Record<string, string>[] = [{}, { authorization: 'Basic dXNlcjpwYXNz' }, { authorization: 'Bearer' }, { authorization: 'Bearer a b' }];
    for (const headers of variants) {
      const r = await call('GET', '/api/distillations', { headers });
      const err = expectError(r, 401, 'UNAUTHENTICATED');
      expect(err.message).toContain('Authorization: Bearer');
    }
    // Auth runs before the body is parsed: a bad body without a key is still a 401.
    expectError(await call('POST', '/api/distillations', { rawBody: '{nope' }), 401, 'UNAUTHENTICATED');
  });

  it('rejects an unknown key with 401 INVALID_API_KEY and accepts a real one', async () => {
    const r = await call('GET', '/api/distillations', { key: 'ak_not-a-real-key' });
    expectError(r, 401, 'INVALID_API_KEY');
    const { apiKey } = await newAccount(database);
    const ok = await call('GET', '/api/distillations', { headers: { authorization: `bearer ${apiKey}` } });
    expect(ok.status, ok.text).toBe(200);
    expect(ok.body).toEqual({ items: [], page: 1, pageSize: 20, total: 0, selectable: 0 });
  });

  it('answers unknown routes with 404 ROUTE_NOT_FOUND', async () => {
    const { apiKey } = await newAccount(database);
    const outside = await call('GET', '/nope');
    expect(expectError(outside, 404, 'ROUTE_NOT_FOUND').message).toContain('/nope');
    const inside = await call('GET', '/api/no-such-thing', { key: apiKey });
    expect(expectError(inside, 404, 'ROUTE_NOT_FOUND').message).toContain('GET /api/no-such-thing');
    // A known path with a method it does not serve is a 405 (test/api/http-hardening.test.ts covers every path).
    const patch = await call('PATCH', '/api/distillations', { key: apiKey, json: {} });
    expectError(patch, 405, 'METHOD_NOT_ALLOWED');
    expect(patch.headers.get('allow')).toBe('POST, GET, HEAD');
  });
});

describe('request bodies', () => {
  it('malformed JSON is 400 INVALID_JSON', async () => {
    const { apiKey } = await newAccount(database);
    for (const rawBody of ['{"keyword": ', 'not json at all', '']) {
      const r = await call('POST', '/api/distillations', { key: apiKey, rawBody });
      expectError(r, 400, 'INVALID_JSON');
    }
    const t = await call('POST', '/api/article-generation/tasks', { key: apiKey, rawBody: '{"articleCount":1' });
    expectError(t, 400, 'INVALID_JSON');
  });

  it('a body over 2 MiB is 413 PAYLOAD_TOO_LARGE, with or without Content-Length', async () => {
    const { accountId, apiKey } = await newAccount(database);
    const big = Buffer.from(JSON.stringify({ keyword: 'big', topics: ['x'.repeat(MAX_BODY_BYTES)] }));
    expect(big.length).toBeGreaterThan(MAX_BODY_BYTES);
    const r = await oneShot('POST', '/api/distillations', apiKey, big, false);
    expect(expectError(r, 413, 'PAYLOAD_TOO_LARGE').message).toContain(String(MAX_BODY_BYTES));

    // Chunked (no Content-Length): the limit is enforced while reading.
    const chunked = await oneShot('POST', '/api/distillations', apiKey, big, true);
    expectError(chunked, 413, 'PAYLOAD_TOO_LARGE');

    // Just under the limit passes the size check and reaches validation, both ways.
    const under = Buffer.from(JSON.stringify({ keyword: 'big', topics: ['x'.repeat(MAX_BODY_BYTES - 100)] }));
    expect(under.length).toBeLessThanOrEqual(MAX_BODY_BYTES);
    for (const asChunks of [false, true]) {
      const v = await oneShot('POST', '/api/distillations', apiKey, under, asChunks);
      expect(expectError(v, 400, 'VALIDATION_ERROR').message).toContain('topics.0');
    }

    const list = await call('GET', '/api/distillations', { key: apiKey });
    expect(list.body.total).toBe(0);
    expect(await taskCount(accountId)).toBe(0);
  });
});

describe('inputs the database cannot store', () => {
  it('a 413 closes its connection, so the client\'s next request on a fresh one succeeds', async () => {
    const { apiKey } = await newAccount(database);
    const big = JSON.stringify({ keyword: 'big', topics: ['x'.repeat(MAX_BODY_BYTES)] });
    for (let i = 0; i < 2; i++) {
      const r = await call('POST', '/api/distillations', { key: apiKey, rawBody: big });
      expectError(r, 413, 'PAYLOAD_TOO_LARGE');
      expect(r.headers.get('connection')).toBe('close');
    }
    const ok = await call('POST', '/api/distillations', { key: apiKey, json: { keyword: 'after 413', topics: ['q'] } });
    expect(ok.status).toBe(201);
  });

  it('ids beyond PostgreSQL integers are 400 VALIDATION_ERROR, not 500', async () => {
    const { apiKey } = await newAccount(database);
    const t = await call('POST', '/api/article-generation/tasks', { key: apiKey, json: { articleCount: 1, knowledgeBaseId: 3_000_000_000 } });
    expect(expectError(t, 400, 'VALIDATION_ERROR').message).toContain('knowledgeBaseId');
    const a = await call('GET', '/api/articles?taskId=3000000000', { key: apiKey });
    expect(expectError(a, 400, 'VALIDATION_ERROR').message).toContain('taskId');
  });

  it('a NUL character in text is 400 VALIDATION_ERROR naming the field, and nothing is written', async () => {
    const { apiKey } = await newAccount(database);
    const r = await call('POST', '/api/distillations', { key: apiKey, json: { keyword: 'a\u0000b', topics: ['q'] } });
    expect(expectError(r, 400, 'VALIDATION_ERROR').message).toContain('keyword: must not contain the NUL character');
    const list = await call('GET', '/api/distillations', { key: apiKey });
    expect(list.body.total).toBe(0);
  });
});

describe('distillations', () => {
  it('creates one (201) with its topics, trimmed, and fresh counters', async () => {
    const { apiKey } = await newAccount(database);
    const r = await call('POST', '/api/distillations', {
      key: apiKey,
      json: { keyword: '  coffee grinders  ', topics: ['  Which burr is best?', 'How fine for espresso?'] },
    });
    expect(r.status, r.text).toBe(201);
    expect(r.body).toMatchObject({
      keyword: 'coffee grinders',
      topics: ['Which burr is best?', 'How fine for espresso?'],
      topicCount: 2,
      usageCount: 0,
      reservedCount: 0,
      deletedAt: null,
    });
    expect(r.body.id).toBeGreaterThan(0);
    expect(new Date(r.body.createdAt).getTime()).not.toBeNaN();

    const noTopics = await call('POST', '/api/distillations', { key: apiKey, json: { keyword: 'bare' } });
    expect(noTopics.status, noTopics.text).toBe(201);
    expect(noTopics.body).toMatchObject({ keyword: 'bare', topics: [], topicCount: 0 });

    const got = await call('GET', `/api/distillations/${r.body.id}`, { key: apiKey });
    expect(got.status).toBe(200);
    expect(got.body).toEqual(r.body);
  });

  it('validates the body: 400 VALIDATION_ERROR naming the field', async () => {
    const { apiKey } = await newAccount(database);
    const cases: [unknown, string][] = [
      [{ keyword: '' }, 'keyword'],
      [{ keyword: '   ', topics: [] }, 'keyword'],
      [{ topics: ['a'] }, 'keyword'],
      [{ keyword: 'k'.repeat(201) }, 'keyword'],
      [{ keyword: 'ok', topics: ['fine', ''] }, 'topics.1'],
      [{ keyword: 'ok', topics: 'not a list' }, 'topics'],
    ];
    for (const [json, field] of cases) {
      const r = await call('POST', '/api/distillations', { key: apiKey, json });
      const err = expectError(r, 400, 'VALIDATION_ERROR');
      expect(err.message).toContain(field);
      expect(err.details?.issues.map((i: any) => i.field)).toContain(field);
    }
    const list = await call('GET', '/api/distillations', { key: apiKey });
    expect(list.body.total).toBe(0);
  });

  it('imports many at once (201 with ids) and validates the import', async () => {
    const { apiKey } = await newAccount(database);
    const r = await call('POST', '/api/distillations/import', {
      key: apiKey,
      json: { distillations: [{ keyword: 'a', topics: ['qa'] }, { keyword: 'b' }, { keyword: 'c', topics: ['q1', 'q2', 'q3'] }] },
    });
    expect(r.status, r.text).toBe(201);
    expect(r.body.imported).toBe(3);
    expect(r.body.ids).toHaveLength(3);
    expect([...r.body.ids].sort((x: number, y: number) => x - y)).toEqual(r.body.ids);
    const c = await call('GET', `/api/distillations/${r.body.ids[2]}`, { key: apiKey });
    expect(c.body).toMatchObject({ keyword: 'c', topics: ['q1', 'q2', 'q3'], topicCount: 3 });
    const b = await call('GET', `/api/distillations/${r.body.ids[1]}`, { key: apiKey });
    expect(b.body).toMatchObject({ keyword: 'b', topics: [], topicCount: 0 });

    const empty = await call('POST', '/api/distillations/import', { key: apiKey, json: { distillations: [] } });
    expect(expectError(empty, 400, 'VALIDATION_ERROR').message).toContain('distillations');
    const bad = await call('POST', '/api/distillations/import', {
      key: apiKey,
      json: { distillations: [{ keyword: 'fine' }, { keyword: '' }] },
    });
    expect(expectError(bad, 400, 'VALIDATION_ERROR').message).toContain('distillations.1.keyword');
    // A rejected import writes nothing; the topic-less row counts in total, not in selectable.
    expect((await call('GET', '/api/distillations', { key: apiKey })).body).toMatchObject({ total: 3, selectable: 2 });
    await call('DELETE', `/api/distillations/${r.body.ids[0]}`, { key: apiKey });
    expect((await call('GET', '/api/distillations?pageSize=1', { key: apiKey })).body).toMatchObject({ total: 2, selectable: 1 });
  });

  it('lists with pagination, newest first, and rejects a bad page size', async () => {
    const { apiKey } = await newAccount(database);
    const ids: number[] = [];
    for (const keyword of ['one', 'two', 'three', 'four', 'five']) {
      const r = await call('POST', '/api/distillations', { key: apiKey, json: { keyword, topics: ['q'] } });
      ids.push(r.body.id);
    }
    const all = await call('GET', '/api/distillations', { key: apiKey });
    expect(all.body).toMatchObject({ page: 1, pageSize: 20, total: 5 });
    expect(all.body.items.map((d: any) => d.id)).toEqual([...ids].reverse());

    const p1 = await call('GET', '/api/distillations?page=1&pageSize=2', { key: apiKey });
    expect(p1.status).toBe(200);
    expect(p1.body).toMatchObject({ page: 1, pageSize: 2, total: 5 });
    expect(p1.body.items.map((d: any) => d.keyword)).toEqual(['five', 'four']);
    const p3 = await call('GET', '/api/distillations?page=3&pageSize=2', { key: apiKey });
    expect(p3.body).toMatchObject({ page: 3, pageSize: 2, total: 5 });
    expect(p3.body.items.map((d: any) => d.keyword)).toEqual(['one']);
    const past = await call('GET', '/api/distillations?page=9&pageSize=2', { key: apiKey });
    expect(past.body).toMatchObject({ items: [], page: 9, total: 5 });

    for (const q of ['pageSize=500', 'pageSize=0', 'page=0', 'page=abc', 'pageSize=2.5']) {
      const r = await call('GET', `/api/distillations?${q}`, { key: apiKey });
      const err = expectError(r, 400, 'VALIDATION_ERROR');
      expect(err.message).toContain(q.split('=')[0]!);
    }
    const big = await call('GET', '/api/distillations?pageSize=500', { key: apiKey });
    expect(big.body.error.message).toContain('pageSize must be <= 100');
  });

  it('gets, replaces topics, deletes (204, then 404) and rejects bad ids', async () => {
    const { apiKey } = await newAccount(database);
    const created = await call('POST', '/api/distillations', { key: apiKey, json: { keyword: 'tea', topics: ['old 1', 'old 2'] } });
    const id = created.body.id as number;

    const put = await call('PUT', `/api/distillations/${id}/topics`, { key: apiKey, json: { topics: ['new 1', ' new 2 ', 'new 3'] } });
    expect(put.status, put.text).toBe(200);
    expect(put.body).toMatchObject({ id, keyword: 'tea', topics: ['new 1', 'new 2', 'new 3'], topicCount: 3 });
    const got = await call('GET', `/api/distillations/${id}`, { key: apiKey });
    expect(got.body.topics).toEqual(['new 1', 'new 2', 'new 3']);

    const cleared = await call('PUT', `/api/distillations/${id}/topics`, { key: apiKey, json: { topics: [] } });
    expect(cleared.body).toMatchObject({ topics: [], topicCount: 0 });
    const badPut = await call('PUT', `/api/distillations/${id}/topics`, { key: apiKey, json: { topics: [''] } });
    expect(expectError(badPut, 400, 'VALIDATION_ERROR').message).toContain('topics.0');
    const missingPut = await call('PUT', `/api/distillations/${id}/topics`, { key: apiKey, json: {} });
    expect(expectError(missingPut, 400, 'VALIDATION_ERROR').message).toContain('topics');

    const del = await call('DELETE', `/api/distillations/${id}`, { key: apiKey });
    expect(del.status).toBe(204);
    expect(del.text).toBe('');
    const gone = await call('GET', `/api/distillations/${id}`, { key: apiKey });
    const err = expectError(gone, 404, 'NOT_FOUND');
    expect(err.message).toContain(String(id));
    expect(err.details).toEqual({ resource: 'distillation', id });
    expectError(await call('DELETE', `/api/distillations/${id}`, { key: apiKey }), 404, 'NOT_FOUND');
    expectError(await call('PUT', `/api/distillations/${id}/topics`, { key: apiKey, json: { topics: ['x'] } }), 404, 'NOT_FOUND');
    expect((await call('GET', '/api/distillations', { key: apiKey })).body.total).toBe(0);

    for (const bad of ['abc', '0', '-1', '1.5', '1e3', '9999999999']) {
      const r = await call('GET', `/api/distillations/${bad}`, { key: apiKey });
      const e = expectError(r, 400, 'INVALID_ID');
      expect(e.message).toContain(`'${bad}'`);
      expect(e.details).toEqual({ id: bad });
    }
    expectError(await call('DELETE', '/api/distillations/abc', { key: apiKey }), 400, 'INVALID_ID');
    expectError(await call('PUT', '/api/distillations/abc/topics', { key: apiKey, json: { topics: [] } }), 400, 'INVALID_ID');
  });

  it("another account's distillation is 404 for get, put and delete, and stays untouched", async () => {
    const owner = await newAccount(database);
    const other = await newAccount(database);
    const created = await call('POST', '/api/distillations', { key: owner.apiKey, json: { keyword: 'mine', topics: ['q'] } });
    const id = created.body.id as number;
    expectError(await call('GET', `/api/distillations/${id}`, { key: other.apiKey }), 404, 'NOT_FOUND');
    expectError(await call('PUT', `/api/distillations/${id}/topics`, { key: other.apiKey, json: { topics: ['hijacked'] } }), 404, 'NOT_FOUND');
    expectError(await call('DELETE', `/api/distillations/${id}`, { key: other.apiKey }), 404, 'NOT_FOUND');
    expect((await call('GET', '/api/distillations', { key: other.apiKey })).body.total).toBe(0);
    const still = await call('GET', `/api/distillations/${id}`, { key: owner.apiKey });
    expect(still.status).toBe(200);
    expect(still.body).toMatchObject({ keyword: 'mine', topics: ['q'], deletedAt: null });
  });
});

interface ResourceCase {
  name: string;
  path: string;
  valid: Record<string, unknown>;
  expected: Record<string, unknown>;
  invalid: [Record<string, unknown>, string][];
}

const resourceCases: ResourceCase[] = [
  {
    name: 'article settings',
    path: '/api/article-settings',
    valid: { name: ' Friendly ', prompt: 'Write warmly, in short paragraphs.' },
    expected: { name: 'Friendly', prompt: 'Write warmly, in short paragraphs.', deletedAt: null },
    invalid: [
      [{ name: '', prompt: 'p' }, 'name'],
      [{ name: 'n' }, 'prompt'],
      [{ name: 'n', prompt: 'p'.repeat(20_001) }, 'prompt'],
    ],
  },
  {
    name: 'knowledge bases',
    path: '/api/knowledge-bases',
    valid: {
      name: 'Coffee facts',
      documents: [
        { title: 'Roasting', content: 'Light roasts keep more acidity.' },
        { title: 'Grinding', content: 'Grind right before brewing.' },
      ],
    },
    expected: {
      name: 'Coffee facts',
      deletedAt: null,
      documents: [
        { id: expect.any(Number), title: 'Roasting', content: 'Light roasts keep more acidity.' },
        { id: expect.any(Number), title: 'Grinding', content: 'Grind right before brewing.' },
      ],
    },
    invalid: [
      [{ documents: [] }, 'name'],
      [{ name: 'kb', documents: [{ title: 't', content: '' }] }, 'documents.0.content'],
      [{ name: 'kb', documents: [{ content: 'c' }] }, 'documents.0.title'],
    ],
  },
  {
    name: 'albums',
    path: '/api/albums',
    valid: {
      name: 'Beans',
      images: [{ url: 'https://img.example.com/1.jpg', description: 'green beans' }, { url: 'https://img.example.com/2.jpg' }],
    },
    expected: {
      name: 'Beans',
      deletedAt: null,
      images: [
        { id: expect.any(Number), url: 'https://img.example.com/1.jpg', description: 'green beans', usageCount: 0 },
        { id: expect.any(Number), url: 'https://img.example.com/2.jpg', description: null, usageCount: 0 },
      ],
    },
    invalid: [
      [{ name: 'a', images: [{ url: 'not a url' }] }, 'images.0.url'],
      [{ name: 'a', images: [{ url: 'https://ok.example.com/x.png' }, { url: '' }] }, 'images.1.url'],
      [{ images: [] }, 'name'],
    ],
  },
  {
    name: 'conversion targets',
    path: '/api/conversion-targets',
    valid: { companyName: 'Acme Roasters', industry: 'Coffee', website: 'https://acme.example.com', address: '1 Bean St' },
    expected: {
      companyName: 'Acme Roasters',
      industry: 'Coffee',
      website: 'https://acme.example.com',
      address: '1 Bean St',
      deletedAt: null,
    },
    invalid: [
      [{ industry: 'x' }, 'companyName'],
      [{ companyName: 'Acme', website: 'acme dot com' }, 'website'],
      [{ companyName: 'Acme', industry: '' }, 'industry'],
    ],
  },
];

describe.each(resourceCases)('$name', ({ path, valid, expected, invalid }) => {
  it('creates (201), lists, gets and deletes (204, then 404)', async () => {
    const { accountId, apiKey } = await newAccount(database);
    const created = await call('POST', path, { key: apiKey, json: valid });
    expect(created.status, created.text).toBe(201);
    expect(created.body).toMatchObject({ ...expected, accountId });
    const id = created.body.id as number;
    expect(id).toBeGreaterThan(0);

    const second = await call('POST', path, { key: apiKey, json: valid });
    expect(second.status).toBe(201);
    const list = await call('GET', path, { key: apiKey });
    expect(list.status).toBe(200);
    expect(list.body.items.map((i: any) => i.id)).toEqual([second.body.id, id]);
    expect(list.body.items[1]).toMatchObject({ id, accountId });

    const got = await call('GET', `${path}/${id}`, { key: apiKey });
    expect(got.status).toBe(200);
    expect(got.body).toEqual(created.body);

    const del = await call('DELETE', `${path}/${id}`, { key: apiKey });
    expect(del.status).toBe(204);
    expect(del.text).toBe('');
    const gone = await call('GET', `${path}/${id}`, { key: apiKey });
    expect(expectError(gone, 404, 'NOT_FOUND').message).toContain(String(id));
    expectError(await call('DELETE', `${path}/${id}`, { key: apiKey }), 404, 'NOT_FOUND');
    const after = await call('GET', path, { key: apiKey });
    expect(after.body.items.map((i: any) => i.id)).toEqual([second.body.id]);

    expectError(await call('GET', `${path}/abc`, { key: apiKey }), 400, 'INVALID_ID');
    expectError(await call('DELETE', `${path}/abc`, { key: apiKey }), 400, 'INVALID_ID');
  });

  it('validates the body, naming the field', async () => {
    const { apiKey } = await newAccount(database);
    for (const [json, field] of invalid) {
      const r = await call('POST', path, { key: apiKey, json });
      const err = expectError(r, 400, 'VALIDATION_ERROR');
      expect(err.message).toContain(field);
      expect(err.details?.issues.map((i: any) => i.field)).toContain(field);
    }
    expectError(await call('POST', path, { key: apiKey, rawBody: '{' }), 400, 'INVALID_JSON');
    expect((await call('GET', path, { key: apiKey })).body.items).toEqual([]);
  });

  it("another account's id is 404 and invisible", async () => {
    const owner = await newAccount(database);
    const other = await newAccount(database);
    const created = await call('POST', path, { key: owner.apiKey, json: valid });
    const id = created.body.id as number;
    expectError(await call('GET', `${path}/${id}`, { key: other.apiKey }), 404, 'NOT_FOUND');
    expectError(await call('DELETE', `${path}/${id}`, { key: other.apiKey }), 404, 'NOT_FOUND');
    expect((await call('GET', path, { key: other.apiKey })).body.items).toEqual([]);
    const still = await call('GET', `${path}/${id}`, { key: owner.apiKey });
    expect(still.status).toBe(200);
    expect(still.body).toEqual(created.body);
  });
});

const TASKS = '/api/article-generation/tasks';

describe('article generation tasks', () => {
  it('creates tasks from the least used distillations, runs them to completion and reports them', async () => {
    const { accountId, apiKey } = await newAccount(database);
    const tag = `acct${accountId}`;
    const keywords = [`${tag}-alpha`, `${tag}-beta`, `${tag}-gamma`];
    const ids = await importDistillations(apiKey, keywords);
    // No topics: never selectable.
    await call('POST', '/api/distillations', { key: apiKey, json: { keyword: `${tag}-empty` } });
    const kb = await call('POST', '/api/knowledge-bases', {
      key: apiKey,
      json: { name: 'kb', documents: [{ title: `${tag} doc`, content: `${tag} reference fact` }] },
    });
    const setting = await call('POST', '/api/article-settings', { key: apiKey, json: { name: 's', prompt: `${tag} house style` } });

    const created = await call('POST', TASKS, {
      key: apiKey,
      json: { articleCount: 2, knowledgeBaseId: kb.body.id, articleSettingId: setting.body.id },
    });
    expect(created.status, created.text).toBe(201);
    const taskId = created.body.taskId as number;
    expect(created.body).toEqual({
      taskId,
      status: 'pending',
      workflowId: `article-task-${taskId}`,
      selectedDistillationIds: [ids[0], ids[1]],
      createdAt: expect.any(String),
    });
    expect(Math.abs(Date.now() - new Date(created.body.createdAt).getTime())).toBeLessThan(60_000);

    // While in flight (or already done) the two picked are reserved or used, never both.
    const during = await distillationMap(apiKey);
    for (const id of [ids[0]!, ids[1]!]) expect(during.get(id).usageCount + during.get(id).reservedCount).toBe(1);

    const detail = await waitForTask(apiKey, taskId);
    expect(detail).toMatchObject({
      id: taskId,
      accountId,
      status: 'completed',
      requestedCount: 2,
      generatedCount: 2,
      failedCount: 0,
      skippedCount: 0,
      progress: 100,
      errorMessage: null,
      workflowId: `article-task-${taskId}`,
      knowledgeBaseId: kb.body.id,
      articleSettingId: setting.body.id,
      keyword: keywords[0],
      model: 'stub-model',
    });
    expect(detail.selectedDistillations).toEqual([
      { id: ids[0], keyword: keywords[0], deleted: false },
      { id: ids[1], keyword: keywords[1], deleted: false },
    ]);
    expect(detail.items).toHaveLength(2);
    expect(detail.items.map((i: any) => [i.position, i.distillationId, i.state, i.error])).toEqual([
      [0, ids[0], 'saved', null],
      [1, ids[1], 'saved', null],
    ]);
    expect(detail.generatedArticles).toHaveLength(2);
    expect(detail.generatedArticles.map((a: any) => [a.position, a.distillationId, a.keyword, a.reviewStatus])).toEqual([
      [0, ids[0], keywords[0], 'approved'],
      [1, ids[1], keywords[1], 'approved'],
    ]);
    expect(detail.items.map((i: any) => i.articleId)).toEqual(detail.generatedArticles.map((a: any) => a.id));

    // The LLM saw the knowledge base and the article setting.
    const prompts = stub.requests.filter((r) => keywordOf(r) === keywords[0]);
    expect(prompts.length).toBeGreaterThanOrEqual(1);
    expect(prompts[0]!.userMessage).toContain(`${tag} reference fact`);
    expect(prompts[0]!.systemMessage).toContain(`${tag} house style`);

    const afterFirst = await distillationMap(apiKey);
    expect(afterFirst.get(ids[0]!)).toMatchObject({ usageCount: 1, reservedCount: 0 });
    expect(afterFirst.get(ids[1]!)).toMatchObject({ usageCount: 1, reservedCount: 0 });
    expect(afterFirst.get(ids[2]!)).toMatchObject({ usageCount: 0, reservedCount: 0 });

    // The next task takes the least used one.
    const second = await call('POST', TASKS, { key: apiKey, json: { articleCount: 1 } });
    expect(second.status, second.text).toBe(201);
    expect(second.body.selectedDistillationIds).toEqual([ids[2]]);
    const secondId = second.body.taskId as number;
    const secondDetail = await waitForTask(apiKey, secondId);
    expect(secondDetail).toMatchObject({ status: 'completed', generatedCount: 1, keyword: keywords[2] });
    expect(secondDetail.selectedDistillations).toEqual([{ id: ids[2], keyword: keywords[2], deleted: false }]);
    const afterSecond = await distillationMap(apiKey);
    for (const id of ids) expect(afterSecond.get(id)).toMatchObject({ usageCount: 1, reservedCount: 0 });

    // Listing: newest first, the status filter, pagination and the distillation summary.
    const list = await call('GET', `${TASKS}?status=completed`, { key: apiKey });
    expect(list.status, list.text).toBe(200);
    expect(list.body).toMatchObject({ page: 1, pageSize: 20, total: 2 });
    expect(list.body.tasks.map((t: any) => t.id)).toEqual([secondId, taskId]);
    expect(list.body.tasks[0]).toMatchObject({
      status: 'completed',
      keyword: keywords[2],
      distillationCount: 1,
      distillationResult: keywords[2],
      requestedCount: 1,
      generatedCount: 1,
      progress: 100,
      workflowId: `article-task-${secondId}`,
    });
    expect(list.body.tasks[1]).toMatchObject({ keyword: keywords[0], distillationCount: 2, generatedCount: 2 });
    expect(list.body.tasks[1].distillationResult).toContain('使用了2个蒸馏结果');
    const page2 = await call('GET', `${TASKS}?pageSize=1&page=2`, { key: apiKey });
    expect(page2.body).toMatchObject({ page: 2, pageSize: 1, total: 2 });
    expect(page2.body.tasks.map((t: any) => t.id)).toEqual([taskId]);
    const pending = await call('GET', `${TASKS}?status=pending`, { key: apiKey });
    expect(pending.body).toMatchObject({ tasks: [], total: 0 });
    const bogus = await call('GET', `${TASKS}?status=bogus`, { key: apiKey });
    expect(expectError(bogus, 400, 'VALIDATION_ERROR').message).toContain('status');
    expectError(await call('GET', `${TASKS}?pageSize=500`, { key: apiKey }), 400, 'VALIDATION_ERROR');

    // A task's articles, in position order.
    const taskArticles = await call('GET', `${TASKS}/${taskId}/articles`, { key: apiKey });
    expect(taskArticles.status, taskArticles.text).toBe(200);
    expect(taskArticles.body).toMatchObject({ page: 1, pageSize: 100, total: 2 });
    expect(taskArticles.body.articles.map((a: any) => [a.position, a.taskId, a.keyword])).toEqual([
      [0, taskId, keywords[0]],
      [1, taskId, keywords[1]],
    ]);
    const paged = await call('GET', `${TASKS}/${taskId}/articles?pageSize=1&page=2`, { key: apiKey });
    expect(paged.body.articles.map((a: any) => a.position)).toEqual([1]);

    // /api/articles: filtered by task, and all of the account's.
    const byTask = await call('GET', `/api/articles?taskId=${taskId}`, { key: apiKey });
    expect(byTask.status).toBe(200);
    expect(byTask.body.total).toBe(2);
    expect(byTask.body.articles.map((a: any) => a.id)).toEqual(taskArticles.body.articles.map((a: any) => a.id));
    const allArticles = await call('GET', '/api/articles', { key: apiKey });
    expect(allArticles.body.total).toBe(3);
    expectError(await call('GET', '/api/articles?taskId=abc', { key: apiKey }), 400, 'VALIDATION_ERROR');

    // One article in full; its topics are a snapshot that later edits do not change.
    const articleId = taskArticles.body.articles[0].id as number;
    const article = await call('GET', `/api/articles/${articleId}`, { key: apiKey });
    expect(article.status, article.text).toBe(200);
    expect(article.body).toMatchObject({
      id: articleId,
      accountId,
      taskId,
      position: 0,
      distillationId: ids[0],
      keyword: keywords[0],
      topics: topicsFor(keywords[0]!),
      title: `Everything you need to know about ${keywords[0]}`,
      reviewStatus: 'approved',
      model: 'stub-model',
    });
    expect(article.body.content).toContain(`This stub article is about ${keywords[0]}.`);
    expect(article.body.content).toContain(topicsFor(keywords[0]!)[1]);
    expect(article.body.promptTokens).toBeGreaterThan(0);
    await call('PUT', `/api/distillations/${ids[0]}/topics`, { key: apiKey, json: { topics: ['replaced'] } });
    const again = await call('GET', `/api/articles/${articleId}`, { key: apiKey });
    expect(again.body.topics).toEqual(topicsFor(keywords[0]!));

    // A deleted distillation still shows in the task, flagged.
    expect((await call('DELETE', `/api/distillations/${ids[1]}`, { key: apiKey })).status).toBe(204);
    const flagged = await call('GET', `${TASKS}/${taskId}`, { key: apiKey });
    expect(flagged.body.selectedDistillations[1]).toEqual({ id: ids[1], keyword: keywords[1], deleted: true });

    expectError(await call('GET', `${TASKS}/abc`, { key: apiKey }), 400, 'INVALID_ID');
    expectError(await call('GET', `${TASKS}/999999999`, { key: apiKey }), 404, 'NOT_FOUND');
    expectError(await call('GET', '/api/articles/999999999', { key: apiKey }), 404, 'NOT_FOUND');
    expect(await invariantViolations(database, accountId)).toEqual([]);
  });

  it('saves articles as pending_review when autoApprove is false', async () => {
    const { accountId, apiKey } = await newAccount(database);
    const keywords = [`acct${accountId}-review-a`, `acct${accountId}-review-b`];
    await importDistillations(apiKey, keywords);
    const created = await call('POST', TASKS, { key: apiKey, json: { articleCount: 2, autoApprove: false, concurrency: 1, priority: 9 } });
    expect(created.status, created.text).toBe(201);
    const detail = await waitForTask(apiKey, created.body.taskId);
    expect(detail).toMatchObject({ status: 'completed', generatedCount: 2, autoApprove: false, concurrency: 1, priority: 9 });
    expect(detail.generatedArticles.map((a: any) => a.reviewStatus)).toEqual(['pending_review', 'pending_review']);
    const article = await call('GET', `/api/articles/${detail.generatedArticles[0].id}`, { key: apiKey });
    expect(article.body).toMatchObject({ reviewStatus: 'pending_review', keyword: keywords[0] });
    expect(await invariantViolations(database, accountId)).toEqual([]);
  });

  it('uses the default concurrency when none is given', async () => {
    const { accountId, apiKey } = await newAccount(database);
    await importDistillations(apiKey, [`acct${accountId}-dc`]);
    const created = await call('POST', TASKS, { key: apiKey, json: { articleCount: 1 } });
    expect(created.status, created.text).toBe(201);
    const detail = await waitForTask(apiKey, created.body.taskId);
    expect(detail).toMatchObject({ status: 'completed', concurrency: 5, priority: 5, autoApprove: true, maxRetries: 3 });
    expect(await invariantViolations(database, accountId)).toEqual([]);
  });

  it('rejects a bad articleCount and other bad fields with 400 VALIDATION_ERROR, reserving nothing', async () => {
    const { accountId, apiKey } = await newAccount(database);
    await importDistillations(apiKey, ['v1', 'v2']);
    const cases: [Record<string, unknown>, string][] = [
      [{ articleCount: 0 }, 'articleCount'],
      [{ articleCount: 101 }, 'articleCount'],
      [{ articleCount: 'five' }, 'articleCount'],
      [{}, 'articleCount'],
      [{ articleCount: 1.5 }, 'articleCount'],
      [{ articleCount: null }, 'articleCount'],
      [{ articleCount: 1, priority: 11 }, 'priority'],
      [{ articleCount: 1, concurrency: 0 }, 'concurrency'],
      [{ articleCount: 1, autoApprove: 'yes' }, 'autoApprove'],
      [{ articleCount: 1, knowledgeBaseId: -3 }, 'knowledgeBaseId'],
      [{ articleCount: 1, albumId: 'x' }, 'albumId'],
    ];
    for (const [json, field] of cases) {
      const r = await call('POST', TASKS, { key: apiKey, json });
      const err = expectError(r, 400, 'VALIDATION_ERROR');
      expect(err.message).toContain(field);
      expect(err.details?.issues.map((i: any) => i.field)).toContain(field);
    }
    const tooMany = await call('POST', TASKS, { key: apiKey, json: { articleCount: 101 } });
    expect(tooMany.body.error.message).toContain('articleCount must be at most 100');
    expect(await taskCount(accountId)).toBe(0);
    expect(await reservedTotal(accountId)).toBe(0);
  });

  it('rejects asking for more articles than usable distillations with INSUFFICIENT_DISTILLATIONS', async () => {
    const { accountId, apiKey } = await newAccount(database);
    const ids = await importDistillations(apiKey, ['s1', 's2', 's3']);
    await call('POST', '/api/distillations', { key: apiKey, json: { keyword: 'no topics' } });
    await call('DELETE', `/api/distillations/${ids[2]}`, { key: apiKey });

    const r = await call('POST', TASKS, { key: apiKey, json: { articleCount: 3 } });
    const err = expectError(r, 400, 'INSUFFICIENT_DISTILLATIONS');
    expect(err.details).toEqual({ available: 2, requested: 3 });
    expect(err.message).toContain('可用蒸馏结果不足，当前只有2个可用，但请求生成3篇文章');

    const none = await newAccount(database);
    const empty = await call('POST', TASKS, { key: none.apiKey, json: { articleCount: 1 } });
    const e2 = expectError(empty, 400, 'INSUFFICIENT_DISTILLATIONS');
    expect(e2.details).toEqual({ available: 0, requested: 1 });
    expect(e2.message).toContain('可用蒸馏结果不足，当前只有0个可用，但请求生成1篇文章');

    expect(await taskCount(accountId)).toBe(0);
    expect(await reservedTotal(accountId)).toBe(0);
    expect((await call('GET', TASKS, { key: apiKey })).body.total).toBe(0);
    expect(await invariantViolations(database, accountId)).toEqual([]);
  });

  it("rejects another account's or nonexistent references with INVALID_REFERENCE listing the ids", async () => {
    const { accountId, apiKey } = await newAccount(database);
    const other = await newAccount(database);
    await importDistillations(apiKey, ['r1']);
    const foreignKb = await call('POST', '/api/knowledge-bases', { key: other.apiKey, json: { name: 'theirs' } });
    const foreignAlbum = await call('POST', '/api/albums', { key: other.apiKey, json: { name: 'theirs' } });
    const ownTarget = await call('POST', '/api/conversion-targets', { key: apiKey, json: { companyName: 'Gone Ltd' } });
    await call('DELETE', `/api/conversion-targets/${ownTarget.body.id}`, { key: apiKey });
    const kbId = foreignKb.body.id as number;
    const missingSetting = 999_999_999;

    const r = await call('POST', TASKS, {
      key: apiKey,
      json: { articleCount: 1, knowledgeBaseId: kbId, articleSettingId: missingSetting },
    });
    const err = expectError(r, 400, 'INVALID_REFERENCE');
    expect(err.message).toContain(`knowledgeBaseId [${kbId}]`);
    expect(err.message).toContain(`articleSettingId [${missingSetting}]`);
    expect(err.details).toEqual({ invalid: { knowledgeBaseId: [kbId], articleSettingId: [missingSetting] } });

    const album = await call('POST', TASKS, { key: apiKey, json: { articleCount: 1, albumId: foreignAlbum.body.id } });
    expect(expectError(album, 400, 'INVALID_REFERENCE').message).toContain(`albumId [${foreignAlbum.body.id}]`);
    const deleted = await call('POST', TASKS, { key: apiKey, json: { articleCount: 1, conversionTargetId: ownTarget.body.id } });
    expect(expectError(deleted, 400, 'INVALID_REFERENCE').details).toEqual({
      invalid: { conversionTargetId: [ownTarget.body.id] },
    });

    expect(await taskCount(accountId)).toBe(0);
    expect(await reservedTotal(accountId)).toBe(0);
    expect(await invariantViolations(database, accountId)).toEqual([]);
  });

  it('serializes concurrent creations: the second task sees the first one\'s reservations', async () => {
    const { accountId, apiKey } = await newAccount(database);
    const ids = await importDistillations(apiKey, [`acct${accountId}-c1`, `acct${accountId}-c2`, `acct${accountId}-c3`]);
    const replies = await Promise.all([1, 2].map(() => call('POST', TASKS, { key: apiKey, json: { articleCount: 2 } })));
    for (const r of replies) expect(r.status, r.text).toBe(201);
    // Whichever committed first took the two oldest; the other took the unused one, then the oldest again.
    const selections = replies.map((r) => r.body.selectedDistillationIds).sort((x, y) => x[0] - y[0]);
    expect(selections).toEqual([
      [ids[0], ids[1]],
      [ids[2], ids[0]],
    ]);
    for (const r of replies) expect(await waitForTask(apiKey, r.body.taskId)).toMatchObject({ status: 'completed', generatedCount: 2 });
    const counts = await distillationMap(apiKey);
    expect(ids.map((id) => [counts.get(id).usageCount, counts.get(id).reservedCount])).toEqual([
      [2, 0],
      [1, 0],
      [1, 0],
    ]);
    expect(await invariantViolations(database, accountId)).toEqual([]);
  });

  it("another account's task and articles are 404 and absent from its lists", async () => {
    const owner = await newAccount(database);
    const other = await newAccount(database);
    await importDistillations(owner.apiKey, [`acct${owner.accountId}-private`]);
    const created = await call('POST', TASKS, { key: owner.apiKey, json: { articleCount: 1 } });
    expect(created.status, created.text).toBe(201);
    const taskId = created.body.taskId as number;
    const detail = await waitForTask(owner.apiKey, taskId);
    expect(detail.status).toBe('completed');
    const articleId = detail.generatedArticles[0].id as number;

    expect(expectError(await call('GET', `${TASKS}/${taskId}`, { key: other.apiKey }), 404, 'NOT_FOUND').details).toEqual({
      resource: 'task',
      id: taskId,
    });
    expectError(await call('GET', `${TASKS}/${taskId}/articles`, { key: other.apiKey }), 404, 'NOT_FOUND');
    expect(expectError(await call('GET', `/api/articles/${articleId}`, { key: other.apiKey }), 404, 'NOT_FOUND').details).toEqual({
      resource: 'article',
      id: articleId,
    });
    expect((await call('GET', `/api/articles?taskId=${taskId}`, { key: other.apiKey })).body).toMatchObject({ articles: [], total: 0 });
    expect((await call('GET', TASKS, { key: other.apiKey })).body).toMatchObject({ tasks: [], total: 0 });
    expect((await call('GET', `/api/articles/${articleId}`, { key: owner.apiKey })).status).toBe(200);
    expect(await invariantViolations(database, owner.accountId)).toEqual([]);
  });
});

describe('when the workflow cannot be started', () => {
  let broken: TestServer;
  let closedTemporal: TemporalHandles;

  beforeAll(async () => {
    closedTemporal = await connectTemporal(inject('temporalAddress'), 'default', TEST_PAYLOAD_CODEC);
    await closedTemporal.close();
    broken = await startServer(deps({ client: closedTemporal.client, taskQueue: worker.taskQueue }));
  });
  afterAll(async () => {
    await broken?.close();
  });

  it('answers 503 WORKFLOW_START_FAILED, fails the task and releases every reservation', async () => {
    const { accountId, apiKey } = await newAccount(database);
    const ids = await importDistillations(apiKey, [`acct${accountId}-w1`, `acct${accountId}-w2`, `acct${accountId}-w3`]);

    const r = await call('POST', TASKS, { key: apiKey, json: { articleCount: 2 }, server: broken });
    const err = expectError(r, 503, 'WORKFLOW_START_FAILED');
    const taskId = err.details?.taskId as number;
    expect(taskId).toBeGreaterThan(0);

    const detail = await call('GET', `${TASKS}/${taskId}`, { key: apiKey });
    expect(detail.status).toBe(200);
    expect(detail.body).toMatchObject({ status: 'failed', generatedCount: 0, requestedCount: 2 });
    expect(detail.body.errorMessage).toContain('the workflow could not be started');
    expect(detail.body.completedAt).not.toBeNull();
    expect(detail.body.items.map((i: any) => i.state)).toEqual(['released', 'released']);
    const counts = await distillationMap(apiKey);
    for (const id of ids) expect(counts.get(id)).toMatchObject({ usageCount: 0, reservedCount: 0 });
    expect(await reservedTotal(accountId)).toBe(0);
    expect(await invariantViolations(database, accountId)).toEqual([]);

    const failedList = await call('GET', `${TASKS}?status=failed`, { key: apiKey });
    expect(failedList.body.tasks.map((t: any) => t.id)).toEqual([taskId]);

    // The broken server's health shows Temporal down.
    const health = await call('GET', '/api/health', { server: broken });
    expect(health.status).toBe(503);
    expect(health.body).toMatchObject({ status: 'degraded', database: { status: 'ok' }, temporal: { status: 'down' } });

    // The released distillations are picked again by a working server.
    const retry = await call('POST', TASKS, { key: apiKey, json: { articleCount: 2 } });
    expect(retry.status, retry.text).toBe(201);
    expect(retry.body.selectedDistillationIds).toEqual([ids[0], ids[1]]);
    const done = await waitForTask(apiKey, retry.body.taskId);
    expect(done).toMatchObject({ status: 'completed', generatedCount: 2 });
    expect(await invariantViolations(database, accountId)).toEqual([]);
  });
});

