import { describe, expect, it } from 'vitest';
import http from 'node:http';
import { MAX_BODY_BYTES } from '../../src/server/app.js';
import type { ApiReply } from '../support/api-server.js';
import { newAccount } from '../support/db.js';
import { expectError, useHttpApi } from '../support/http-api.js';

/** The HTTP API end to end (test/support/http-api.ts): auth, health, routing and request bodies. */
const h = useHttpApi();

/**
 * A request on a connection of its own (node:http, no agent), for bodies near the 2 MiB limit: the
 * server closes a connection whose oversized body it did not read, so such requests must not share
 * fetch's keep-alive pool (the 413 answer says `Connection: keep-alive`, yet the socket is closed
 * behind it). `chunked` sends the body with Transfer-Encoding: chunked instead of a Content-Length.
 */
function oneShot(method: string, path: string, key: string, body: Buffer, chunked: boolean): Promise<ApiReply> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const req = http.request(
      `${h.api.url}${path}`,
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

describe('auth, health and routing', () => {
  it('/api/health needs no key and reports both dependencies ok', async () => {
    const r = await h.call('GET', '/api/health');
    expect(r.status, r.text).toBe(200);
    expect(r.body).toMatchObject({ status: 'ok', database: { status: 'ok' }, temporal: { status: 'ok' } });
    expect(typeof r.body.database.latencyMs).toBe('number');
    expect(typeof r.body.temporal.latencyMs).toBe('number');
  });

  it('/api/openapi.json needs no key and describes the routes with their request schemas', async () => {
    const r = await h.call('GET', '/api/openapi.json');
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
      const r = await h.call('GET', '/api/distillations', { headers });
      const err = expectError(r, 401, 'UNAUTHENTICATED');
      expect(err.message).toContain('Authorization: Bearer');
    }
    // Auth runs before the body is parsed: a bad body without a key is still a 401.
    expectError(await h.call('POST', '/api/distillations', { rawBody: '{nope' }), 401, 'UNAUTHENTICATED');
  });

  it('rejects an unknown key with 401 INVALID_API_KEY and accepts a real one', async () => {
    const r = await h.call('GET', '/api/distillations', { key: 'ak_not-a-real-key' });
    expectError(r, 401, 'INVALID_API_KEY');
    const { apiKey } = await newAccount(h.database);
    const ok = await h.call('GET', '/api/distillations', { headers: { authorization: `bearer ${apiKey}` } });
    expect(ok.status, ok.text).toBe(200);
    expect(ok.body).toEqual({ items: [], page: 1, pageSize: 20, total: 0, selectable: 0 });
  });

  it('answers unknown routes with 404 ROUTE_NOT_FOUND', async () => {
    const { apiKey } = await newAccount(h.database);
    const outside = await h.call('GET', '/nope');
    expect(expectError(outside, 404, 'ROUTE_NOT_FOUND').message).toContain('/nope');
    const inside = await h.call('GET', '/api/no-such-thing', { key: apiKey });
    expect(expectError(inside, 404, 'ROUTE_NOT_FOUND').message).toContain('GET /api/no-such-thing');
    // A browser asking for a page outside /api gets the console's 404 page in its language, not JSON.
    for (const [lang, words] of [['zh', '未找到'], ['en', 'Not found']] as const) {
      const page = await h.call('GET', '/nope/deeper', { headers: { accept: 'text/html,application/xhtml+xml', 'accept-language': lang } });
      expect(page.status).toBe(404);
      expect(page.headers.get('content-type')).toContain('text/html');
      expect(page.text).toContain(`<html lang="${lang === "zh" ? "zh-CN" : "en"}"`);
      expect(page.text).toContain(words);
      expect(page.text).not.toContain('ROUTE_NOT_FOUND');
    }
    const apiFromBrowser = await h.call('GET', '/api/no-such-thing', { key: apiKey, headers: { accept: 'text/html' } });
    expectError(apiFromBrowser, 404, 'ROUTE_NOT_FOUND');
    // A known path with a method it does not serve is a 405 (test/api/http-hardening.test.ts covers every path).
    const patch = await h.call('PATCH', '/api/distillations', { key: apiKey, json: {} });
    expectError(patch, 405, 'METHOD_NOT_ALLOWED');
    expect(patch.headers.get('allow')).toBe('POST, GET, HEAD');
  });
});

describe('request bodies', () => {
  it('malformed JSON is 400 INVALID_JSON', async () => {
    const { apiKey } = await newAccount(h.database);
    for (const rawBody of ['{"keyword": ', 'not json at all', '']) {
      const r = await h.call('POST', '/api/distillations', { key: apiKey, rawBody });
      expectError(r, 400, 'INVALID_JSON');
    }
    const t = await h.call('POST', '/api/article-generation/tasks', { key: apiKey, rawBody: '{"articleCount":1' });
    expectError(t, 400, 'INVALID_JSON');
  });

  it('a body over 2 MiB is 413 PAYLOAD_TOO_LARGE, with or without Content-Length', async () => {
    const { accountId, apiKey } = await newAccount(h.database);
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

    const list = await h.call('GET', '/api/distillations', { key: apiKey });
    expect(list.body.total).toBe(0);
    expect(await h.taskCount(accountId)).toBe(0);
  });
});

describe('inputs the database cannot store', () => {
  it('a 413 closes its connection, so the client\'s next request on a fresh one succeeds', async () => {
    const { apiKey } = await newAccount(h.database);
    const big = JSON.stringify({ keyword: 'big', topics: ['x'.repeat(MAX_BODY_BYTES)] });
    for (let i = 0; i < 2; i++) {
      const r = await h.call('POST', '/api/distillations', { key: apiKey, rawBody: big });
      expectError(r, 413, 'PAYLOAD_TOO_LARGE');
      expect(r.headers.get('connection')).toBe('close');
    }
    const ok = await h.call('POST', '/api/distillations', { key: apiKey, json: { keyword: 'after 413', topics: ['q'] } });
    expect(ok.status).toBe(201);
  });

  it('ids beyond PostgreSQL integers are 400 VALIDATION_ERROR, not 500', async () => {
    const { apiKey } = await newAccount(h.database);
    const t = await h.call('POST', '/api/article-generation/tasks', { key: apiKey, json: { articleCount: 1, knowledgeBaseId: 3_000_000_000 } });
    expect(expectError(t, 400, 'VALIDATION_ERROR').message).toContain('knowledgeBaseId');
    const a = await h.call('GET', '/api/articles?taskId=3000000000', { key: apiKey });
    expect(expectError(a, 400, 'VALIDATION_ERROR').message).toContain('taskId');
  });

  it('a NUL character in text is 400 VALIDATION_ERROR naming the field, and nothing is written', async () => {
    const { apiKey } = await newAccount(h.database);
    const r = await h.call('POST', '/api/distillations', { key: apiKey, json: { keyword: 'a\u0000b', topics: ['q'] } });
    expect(expectError(r, 400, 'VALIDATION_ERROR').message).toContain('keyword: must not contain the NUL character');
    const list = await h.call('GET', '/api/distillations', { key: apiKey });
    expect(list.body.total).toBe(0);
  });
});

