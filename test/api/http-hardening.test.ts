import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openApiDocument } from '../../src/api/index.js';
import { createApp } from '../../src/server/app.js';
import { createLogger } from '../../src/logger.js';
import { connectTemporal, type TemporalHandles } from '../../src/temporal/connect.js';
import { TEST_PAYLOAD_CODEC } from '../support/payload-codec.js';
import { newAccount, openTestDatabase } from '../support/db.js';

/**
 * Item 14 of the hardening issue, through app.request over the test run's PostgreSQL and Temporal:
 * unknown JSON fields are a 400 naming the field, undeclared methods a 405 with Allow, and every
 * answer carries the security and caching headers. The tables run over every documented route.
 */

const database = openTestDatabase();
let temporal: TemporalHandles;
let app: ReturnType<typeof createApp>;
let apiKey: string;

beforeAll(async () => {
  temporal = await connectTemporal(inject('temporalAddress'), 'default', TEST_PAYLOAD_CODEC);
  app = createApp({ db: database.db, temporal: { client: temporal.client, taskQueue: 'http-hardening-unused' }, log: createLogger('silent'), defaultConcurrency: 5, codec: TEST_PAYLOAD_CODEC, codecCorsOrigins: [] });
  ({ apiKey } = await newAccount(database, { scope: 'operator' }));
});
afterAll(async () => {
  await temporal?.close();
  await database.close();
});

type Operation = { requestBody?: unknown };
const documentedPaths = () => Object.entries(openApiDocument().paths as Record<string, Record<string, Operation>>);
/** `/api/x/{id}` with a concrete id: one no account owns, so nothing is touched. */
const concrete = (path: string) => path.replace(/\{\w+\}/g, '999999999');

async function send(method: string, path: string, opts: { key?: string; json?: unknown } = {}) {
  const headers: Record<string, string> = {};
  if (opts.key) headers.authorization = `Bearer ${opts.key}`;
  if (opts.json !== undefined) headers['content-type'] = 'application/json';
  const res = await app.request(path, { method, headers, body: opts.json === undefined ? undefined : JSON.stringify(opts.json) });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, body: text.startsWith('{') ? JSON.parse(text) : text };
}

describe('unknown JSON fields', () => {
  it('answer 400 naming the field, e.g. "priorty" in a task request', async () => {
    const r = await send('POST', '/api/article-generation/tasks', { key: apiKey, json: { articleCount: 1, priorty: 9 } });
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('VALIDATION_ERROR');
    expect(r.body.error.message).toContain('priorty');
    expect(r.body.error.details.issues).toEqual([expect.objectContaining({ field: 'priorty' })]);
  });

  it('are found in nested objects and arrays too, with the path to them', async () => {
    const schedule = await send('POST', '/api/schedules', { key: apiKey, json: { name: 'n', intervalSeconds: 3600, template: { articleCount: 1, priorty: 9 } } });
    expect(schedule.status).toBe(400);
    expect(schedule.body.error.details.issues).toEqual([expect.objectContaining({ field: 'template.priorty' })]);
    const imported = await send('POST', '/api/distillations/import', { key: apiKey, json: { distillations: [{ keyword: 'k', topics: [], topicz: ['x'] }] } });
    expect(imported.status).toBe(400);
    expect(imported.body.error.details.issues).toEqual([expect.objectContaining({ field: 'distillations.0.topicz' })]);
  });

  it('are refused by every route that takes a JSON body, and the document says so', async () => {
    const bodyRoutes = documentedPaths().flatMap(([path, ops]) =>
      Object.entries(ops)
        .filter(([, op]) => op.requestBody)
        .map(([method, op]) => ({ method, path, op })),
    );
    expect(bodyRoutes.length).toBeGreaterThanOrEqual(9);
    for (const { method, path, op } of bodyRoutes) {
      const r = await send(method.toUpperCase(), concrete(path), { key: apiKey, json: { unexpectedField: 1 } });
      expect(r.status, `${method} ${path}`).toBe(400);
      expect(r.body.error.details.issues, `${method} ${path}`).toContainEqual(expect.objectContaining({ field: 'unexpectedField' }));
      const schema = (op.requestBody as any).content['application/json'].schema;
      expect(schema.additionalProperties, `${method} ${path}`).toBe(false);
    }
  });
});

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

describe('undeclared methods', () => {
  it('answer 405 with an Allow header listing the declared ones, on every declared path', async () => {
    let checked = 0;
    for (const [path, ops] of documentedPaths()) {
      const declared = Object.keys(ops).map((m) => m.toUpperCase());
      const allowed = declared.includes('GET') ? [...declared, 'HEAD'] : declared;
      for (const method of METHODS.filter((m) => !declared.includes(m))) {
        for (const key of [undefined, apiKey]) {
          const r = await send(method, concrete(path), { key });
          expect(r.status, `${method} ${path}`).toBe(405);
          expect(r.headers.get('allow')?.split(', ').sort(), `${method} ${path}`).toEqual(allowed.sort());
          expect(r.body.error.code).toBe('METHOD_NOT_ALLOWED');
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(100);
  });

  it('prefer the literal path over a parameter: GET /tasks/cleanup is a 405, not an invalid id', async () => {
    const r = await send('GET', '/api/article-generation/tasks/cleanup', { key: apiKey });
    expect(r.status).toBe(405);
    expect(r.headers.get('allow')).toBe('POST');
  });

  it('leave unknown paths a 404', async () => {
    const r = await send('GET', '/api/no-such-thing', { key: apiKey });
    expect(r.status).toBe(404);
    expect(r.body.error.code).toBe('ROUTE_NOT_FOUND');
  });
});

describe('security and caching headers', () => {
  const expectHeaders = (headers: Headers, what: string) => {
    expect(headers.get('x-content-type-options'), what).toBe('nosniff');
    expect(headers.get('cache-control'), what).toBe('no-store');
    expect(headers.get('content-security-policy'), what).toContain("frame-ancestors 'none'");
    expect(headers.get('x-frame-options'), what).toBe('DENY');
  };

  it('are on every answer of every route, with and without a key, successes and errors alike', async () => {
    const statuses = new Set<number>();
    for (const [path, ops] of documentedPaths()) {
      for (const [method, op] of Object.entries(ops)) {
        for (const key of [undefined, apiKey]) {
          const r = await send(method.toUpperCase(), concrete(path), { key, json: op.requestBody ? {} : undefined });
          expectHeaders(r.headers, `${method} ${path} -> ${r.status}`);
          statuses.add(r.status);
        }
      }
    }
    expect([...statuses]).toEqual(expect.arrayContaining([200, 400, 401, 404]));
  });

  it('are on 404s of unknown paths, 405s and 413s too', async () => {
    expectHeaders((await send('GET', '/nowhere')).headers, '404');
    expectHeaders((await send('DELETE', '/api/stats', { key: apiKey })).headers, '405');
    const big = await app.request('/api/distillations', {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json', 'content-length': String(3 * 1024 * 1024) },
      body: 'x'.repeat(3 * 1024 * 1024),
    });
    expect(big.status).toBe(413);
    expectHeaders(big.headers, '413');
  });
});
