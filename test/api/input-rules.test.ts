import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connectDatabase } from '../../src/db/client.js';
import { findFreePort } from '../../src/infra/temporal-dev-server.js';
import { connectTemporal, type TemporalHandles } from '../../src/temporal/connect.js';
import { TEST_PAYLOAD_CODEC } from '../support/payload-codec.js';
import { startApiServer, type JsonReply } from '../support/api-server.js';
import { newAccount, openTestDatabase } from '../support/db.js';

/** Hostile and careless input through HTTP: list bounds, URL schemes, ids, NUL bytes, health errors. */

const database = openTestDatabase(5);
let temporal: TemporalHandles;
let api: Awaited<ReturnType<typeof startApiServer>>;
beforeAll(async () => {
  temporal = await connectTemporal(inject('temporalAddress'), 'default', TEST_PAYLOAD_CODEC);
  api = await startApiServer(database, { client: temporal.client, taskQueue: 'unused' });
});
afterAll(async () => {
  await api?.close();
  await temporal?.close();
  await database.close();
});

function expectError(r: JsonReply, status: number, code: string) {
  expect({ status: r.status, code: r.body?.error?.code }, r.text).toEqual({ status, code });
  return r.body.error as { message: string; details?: any };
}

const RESOURCES = [
  { path: '/api/article-settings', body: (i: number) => ({ name: `setting ${i}`, prompt: 'p'.repeat(100) }) },
  { path: '/api/knowledge-bases', body: (i: number) => ({ name: `kb ${i}`, documents: [{ title: 't', content: 'c' }] }) },
  { path: '/api/albums', body: (i: number) => ({ name: `album ${i}`, images: [{ url: `https://example.com/${i}.png` }] }) },
  { path: '/api/conversion-targets', body: (i: number) => ({ companyName: `company ${i}` }) },
];

describe('lists are paginated with a maximum page size', () => {
  it.each(RESOURCES)('$path: page and pageSize are honoured, with the total; pageSize over 100 is 400', async ({ path, body }) => {
    const { apiKey } = await newAccount(database);
    for (let i = 0; i < 5; i++) expect((await api.call('POST', path, apiKey, body(i))).status).toBe(201);
    const first = await api.call('GET', `${path}?page=1&pageSize=2`, apiKey);
    expect(first.status, first.text).toBe(200);
    expect(first.body).toMatchObject({ page: 1, pageSize: 2, total: 5 });
    expect(first.body.items).toHaveLength(2);
    const last = await api.call('GET', `${path}?page=3&pageSize=2`, apiKey);
    expect(last.body.items).toHaveLength(1);
    const ids = [...first.body.items, ...(await api.call('GET', `${path}?page=2&pageSize=2`, apiKey)).body.items, ...last.body.items].map((r: any) => r.id);
    expect(new Set(ids).size).toBe(5);
    const byDefault = await api.call('GET', path, apiKey);
    expect(byDefault.body).toMatchObject({ page: 1, pageSize: 20, total: 5 });
    expect(expectError(await api.call('GET', `${path}?pageSize=101`, apiKey), 400, 'VALIDATION_ERROR').message).toContain('pageSize');
  });

  it('a knowledge base list carries no document text (one request away)', async () => {
    const { apiKey } = await newAccount(database);
    await api.call('POST', '/api/knowledge-bases', apiKey, { name: 'kb', documents: [{ title: 't', content: 'long document text' }] });
    const list = await api.call('GET', '/api/knowledge-bases', apiKey);
    expect(list.text).not.toContain('long document text');
  });
});

describe('URL fields allow only http and https', () => {
  const BAD = ['javascript:alert(1)', 'data:text/html,<script>alert(1)</script>', 'file:///etc/passwd', 'ftp://example.com/x.png'];
  it.each(BAD)('album image url %s is 400 naming the field', async (url) => {
    const { apiKey } = await newAccount(database);
    const r = await api.call('POST', '/api/albums', apiKey, { name: 'a', images: [{ url }] });
    expect(expectError(r, 400, 'VALIDATION_ERROR').message).toContain('images.0.url');
  });
  it.each(BAD)('conversion target website %s is 400 naming the field', async (website) => {
    const { apiKey } = await newAccount(database);
    const r = await api.call('POST', '/api/conversion-targets', apiKey, { companyName: 'c', website });
    expect(expectError(r, 400, 'VALIDATION_ERROR').message).toContain('website');
  });
  it('http and https URLs are kept as given', async () => {
    const { apiKey } = await newAccount(database);
    const album = await api.call('POST', '/api/albums', apiKey, { name: 'a', images: [{ url: 'http://example.com/a.png' }, { url: 'HTTPS://example.com/b.png' }] });
    expect(album.status, album.text).toBe(201);
    const target = await api.call('POST', '/api/conversion-targets', apiKey, { companyName: 'c', website: 'https://acme.example' });
    expect(target.body.website).toBe('https://acme.example');
  });
});

describe('one id rule: 1 .. 2147483647', () => {
  const ROUTES = ['/api/distillations/ID', '/api/article-settings/ID', '/api/article-generation/tasks/ID', '/api/articles/ID', '/api/schedules/ID'];
  it.each(ROUTES)('%s: the largest id is a plain 404, the next one and 0 are 400 saying the range', async (route) => {
    const { apiKey } = await newAccount(database);
    expectError(await api.call('GET', route.replace('ID', '2147483647'), apiKey), 404, 'NOT_FOUND');
    for (const bad of ['2147483648', '0', '99999999999', '-1', '1.5', 'abc']) {
      const e = expectError(await api.call('GET', route.replace('ID', bad), apiKey), 400, 'INVALID_ID');
      expect(e.message).toContain('1 to 2147483647');
    }
  });
  it('ids in bodies and queries follow the same rule and message', async () => {
    const { apiKey } = await newAccount(database);
    const body = await api.call('POST', '/api/article-generation/tasks', apiKey, { articleCount: 1, albumId: 2147483648 });
    expect(expectError(body, 400, 'VALIDATION_ERROR').message).toContain('albumId must be an integer from 1 to 2147483647');
    const query = await api.call('GET', '/api/articles?taskId=2147483648', apiKey);
    expect(expectError(query, 400, 'VALIDATION_ERROR').message).toContain('taskId must be an integer from 1 to 2147483647');
  });
});

describe('NUL bytes', () => {
  const CASES = [
    { path: '/api/distillations', body: { keyword: 'k', topics: ['ok', 'bad\u0000'] }, field: 'topics.1' },
    { path: '/api/article-settings', body: { name: 'n\u0000', prompt: 'p' }, field: 'name' },
    { path: '/api/albums', body: { name: 'a', images: [{ url: 'https://e.com/x.png', description: '\u0000' }] }, field: 'images.0.description' },
    { path: '/api/conversion-targets', body: { companyName: 'c', address: 'street\u0000 1' }, field: 'address' },
  ];
  it.each(CASES)('$path: a NUL in $field is 400 naming the field, without PostgreSQL text, and nothing is kept', async ({ path, body, field }) => {
    const { apiKey } = await newAccount(database);
    const r = await api.call('POST', path, apiKey, body);
    const e = expectError(r, 400, 'VALIDATION_ERROR');
    expect(e.message).toContain(field);
    expect(r.text).not.toMatch(/UTF8|0x00|byte sequence|encoding/);
    expect((await api.call('GET', path, apiKey)).body.total).toBe(0);
  });
});

describe('/api/health with the database down', () => {
  it('answers 503 without echoing SQL', async () => {
    const dead = connectDatabase(`postgres://artgen@127.0.0.1:${await findFreePort()}/none`, { max: 1 });
    const down = await startApiServer(dead, { client: temporal.client, taskQueue: 'unused' });
    try {
      const r = await down.call('GET', '/api/health', null);
      expect(r.status).toBe(503);
      expect(r.body.database.status).toBe('down');
      expect(r.text).not.toMatch(/select|query|params/i);
      expect(r.body.database.error).toContain('ECONNREFUSED');
    } finally {
      await down.close();
      await dead.close();
    }
  });
});
