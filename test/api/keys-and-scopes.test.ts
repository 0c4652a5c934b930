import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { API_ROUTES } from '../../src/api/index.js';
import { connectDatabase } from '../../src/db/client.js';
import { createAccount } from '../../src/domain/accounts/index.js';
import { connectTemporal, type TemporalHandles } from '../../src/temporal/connect.js';
import { TEST_PAYLOAD_CODEC } from '../support/payload-codec.js';
import { startApiServer } from '../support/api-server.js';
import { openTestDatabase } from '../support/db.js';

/**
 * Key scopes, expiry and revocation through real HTTP: two API servers (each with its own pool) over the
 * test run's PostgreSQL, as two API processes would be. No worker: no route here needs one to answer.
 */

const database = openTestDatabase(5);
const otherPool = connectDatabase(inject('databaseUrl'), { max: 3 });
let temporal: TemporalHandles;
let api: Awaited<ReturnType<typeof startApiServer>>;
let api2: Awaited<ReturnType<typeof startApiServer>>;

beforeAll(async () => {
  temporal = await connectTemporal(inject('temporalAddress'), 'default', TEST_PAYLOAD_CODEC);
  const target = { client: temporal.client, taskQueue: `no-worker-${randomUUID().slice(0, 8)}` };
  api = await startApiServer(database, target);
  api2 = await startApiServer(otherPool, target);
});
afterAll(async () => {
  await api?.close();
  await api2?.close();
  await temporal?.close();
  await otherPool.close();
  await database.close();
});

const account = (scope: 'read' | 'write' | 'admin' | 'operator' = 'write') => createAccount(database.db, `keys-${randomUUID().slice(0, 8)}`, { scope });
/** A key of `scope` for the account of `writeKey`, made through the API. */
async function keyOf(writeKey: string, scope: 'read' | 'write', extra: Record<string, unknown> = {}) {
  const r = await api.call('POST', '/api/keys', writeKey, { scope, ...extra });
  expect(r.status, r.text).toBe(201);
  return r.body as { keyId: number; apiKey: string; scope: string; prefix: string };
}
const concrete = (pattern: string) => pattern.replace(/:\w+/g, '1');

describe('scopes', () => {
  it('a read key gets 403 FORBIDDEN_SCOPE on every write route the app mounts, and reaches every GET route', async () => {
    const owner = await account();
    const read = await keyOf(owner.apiKey, 'read');
    const writes = API_ROUTES.routes.filter((r) => !r.open && r.method !== 'GET');
    // The table is the app's own: a new route is covered without touching this test.
    expect(writes.length).toBeGreaterThanOrEqual(25);
    const refused: string[] = [];
    for (const route of writes) {
      const r = await api.call(route.method, concrete(route.pattern), read.apiKey, {});
      expect(r.status, `${route.method} ${route.pattern}: ${r.text}`).toBe(403);
      expect(r.body.error.code).toBe('FORBIDDEN_SCOPE');
      expect(r.body.error.message).toContain(`'${route.scope}'`);
      expect(r.body.error.message).toContain("this key's scope is 'read'");
      refused.push(`${route.method} ${route.pattern}`);
    }
    expect(refused).toContain('POST /api/article-generation/tasks');
    expect(refused).toContain('DELETE /api/keys/:id');
    for (const route of API_ROUTES.routes.filter((r) => !r.open && r.method === 'GET' && r.scope === 'read')) {
      const r = await api.call('GET', concrete(route.pattern), read.apiKey);
      expect(r.status, `${route.pattern}: ${r.text}`).not.toBe(403);
      expect(r.status, `${route.pattern}: ${r.text}`).not.toBe(401);
    }
  });

  it('operator routes refuse write and admin keys and serve operator keys', async () => {
    const writer = await account();
    const admin = await account('admin');
    const operator = await account('operator');
    const operatorRoutes = API_ROUTES.routes.filter((r) => r.scope === 'operator');
    expect(operatorRoutes.map((r) => `${r.method} ${r.pattern}`).sort()).toEqual(
      [
        'GET /api/admin/accounts', 'POST /api/admin/accounts', 'PATCH /api/admin/accounts/:id', 'POST /api/admin/accounts/:id/keys', 'PATCH /api/admin/accounts/:id/limits',
        'POST /api/temporal-codec/decode', 'POST /api/temporal-codec/encode',
        // The model registry is the service's; an account's models are set by the service too.
        'POST /api/models', 'PATCH /api/models/:modelId', 'DELETE /api/models/:modelId', 'PUT /api/admin/accounts/:id/models',
      ].sort(),
    );
    // An account's admin reads its limits and models and sets its own budget (a cap on its own spend); operators, any account's.
    expect(API_ROUTES.routes.filter((r) => r.scope === 'admin').map((r) => `${r.method} ${r.pattern}`).sort()).toEqual(
      ['GET /api/admin/accounts/:id/limits', 'GET /api/admin/accounts/:id/models', 'GET /api/admin/accounts/:id/budget', 'PUT /api/admin/accounts/:id/budget', 'DELETE /api/admin/accounts/:id/budget'].sort(),
    );
    for (const route of operatorRoutes) {
      for (const [key, scope] of [[writer.apiKey, 'write'], [admin.apiKey, 'admin']] as const) {
        const r = await api.call(route.method, concrete(route.pattern), key, route.method === 'GET' ? undefined : { name: 'x', scope: 'read' });
        expect(r.status, r.text).toBe(403);
        expect(r.body.error).toMatchObject({ code: 'FORBIDDEN_SCOPE', details: { required: 'operator', scope } });
      }
    }
    const created = await api.call('POST', '/api/admin/accounts', operator.apiKey, { name: 'team blue' });
    expect(created.status, created.text).toBe(201);
    expect(created.body).toMatchObject({ name: 'team blue', accountId: expect.any(Number), apiKey: expect.stringMatching(/^ak_/) });
    const own = await api.call('GET', '/api/keys', created.body.apiKey);
    expect(own.body.keys).toEqual([expect.objectContaining({ scope: 'write', revokedAt: null })]);
    const adminKey = await api.call('POST', `/api/admin/accounts/${created.body.accountId}/keys`, operator.apiKey, { scope: 'admin', name: 'ops' });
    expect(adminKey.status, adminKey.text).toBe(201);
    expect(adminKey.body).toMatchObject({ scope: 'admin', keyId: expect.any(Number), prefix: adminKey.body.apiKey.slice(0, 8) });
    expect((await api.call('POST', '/api/admin/accounts/999999999/keys', operator.apiKey, { scope: 'read' })).status).toBe(404);
    const list = await api.call('GET', '/api/admin/accounts?pageSize=100&page=1', operator.apiKey);
    expect(list.status).toBe(200);
    expect(list.body).toMatchObject({ page: 1, pageSize: 100, total: expect.any(Number) });
    const bad = await api.call('POST', '/api/admin/accounts', operator.apiKey, { name: '' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('name');
  });

  it('a key creates keys up to its own scope only, and lists its account\'s keys without the key or its hash', async () => {
    const writer = await account();
    const up = await api.call('POST', '/api/keys', writer.apiKey, { scope: 'admin' });
    expect(up.status).toBe(403);
    expect(up.body.error.code).toBe('FORBIDDEN_SCOPE');
    const bad = await api.call('POST', '/api/keys', writer.apiKey, { scope: 'owner' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('scope must be one of read, write, admin, operator');
    const read = await keyOf(writer.apiKey, 'read', { name: 'dashboard', expiresInDays: 30 });
    const listed = await api.call('GET', '/api/keys', read.apiKey);
    expect(listed.status).toBe(200);
    const row = listed.body.keys.find((k: any) => k.id === read.keyId);
    expect(row).toMatchObject({ prefix: read.prefix, scope: 'read', name: 'dashboard', revokedAt: null, expiresAt: expect.any(String) });
    expect(Object.keys(row).sort()).toEqual(['createdAt', 'expiresAt', 'id', 'lastUsedAt', 'name', 'prefix', 'revokedAt', 'scope']);
    expect(listed.text).not.toContain(read.apiKey);
  });
});

describe('revocation and expiry', () => {
  it('a key revoked through one API process is refused by another at once; another account\'s key is a 404', async () => {
    const owner = await account();
    const stranger = await account();
    const key = await keyOf(owner.apiKey, 'write');
    expect((await api2.call('GET', '/api/distillations', key.apiKey)).status).toBe(200);
    expect((await api.call('DELETE', `/api/keys/${key.keyId}`, stranger.apiKey)).status).toBe(404);
    const revoked = await api.call('DELETE', `/api/keys/${key.keyId}`, owner.apiKey);
    expect(revoked.status, revoked.text).toBe(200);
    expect(revoked.body.revokedAt).toEqual(expect.any(String));
    const after = await api2.call('GET', '/api/distillations', key.apiKey);
    expect(after.status).toBe(401);
    expect(after.body.error.code).toBe('API_KEY_REVOKED');
    // Revoking the key in use is allowed; its next request is refused.
    const self = await api.call('DELETE', `/api/keys/${owner.keyId}`, owner.apiKey);
    expect(self.status).toBe(200);
    expect((await api2.call('GET', '/api/keys', owner.apiKey)).status).toBe(401);
  });

  it('a read key cannot revoke, a write key cannot revoke an admin key', async () => {
    const admin = await account('admin');
    const writer = await keyOf(admin.apiKey, 'write');
    const r = await api.call('DELETE', `/api/keys/${admin.keyId}`, writer.apiKey);
    expect(r.status).toBe(403);
    expect(r.body.error).toMatchObject({ code: 'FORBIDDEN_SCOPE', details: { required: 'admin', scope: 'write' } });
    expect((await api.call('GET', '/api/keys', admin.apiKey)).status).toBe(200);
  });

  it('an expired key answers 401 API_KEY_EXPIRED', async () => {
    const owner = await account();
    const key = await keyOf(owner.apiKey, 'read', { expiresInDays: 1 });
    expect((await api.call('GET', '/api/keys', key.apiKey)).status).toBe(200);
    await database.sql`UPDATE api_keys SET expires_at = now() - interval '1 second' WHERE id = ${key.keyId}`;
    const r = await api2.call('GET', '/api/keys', key.apiKey);
    expect(r.status).toBe(401);
    expect(r.body.error).toMatchObject({ code: 'API_KEY_EXPIRED' });
    expect(r.body.error.message).toContain('expired');
  });
});
