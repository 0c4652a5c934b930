import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createApp, openApiDocument } from '../src/api/app.js';
import { createLogger } from '../src/logger.js';
import { connectTemporal, type TemporalHandles } from '../src/temporal/connect.js';
import { newAccount, openTestDatabase } from './support/db.js';

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
  temporal = await connectTemporal(inject('temporalAddress'), 'default');
  app = createApp({ db: database.db, temporal: { client: temporal.client, taskQueue: 'http-hardening-unused' }, log: createLogger('silent'), defaultConcurrency: 5 });
  ({ apiKey } = await newAccount(database));
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
