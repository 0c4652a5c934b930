import { randomUUID } from 'node:crypto';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { drizzle } from 'drizzle-orm/postgres-js';
import { migrate } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connectDatabase } from '../../src/db/client.js';
import { MIGRATIONS_DIR, runMigrations } from '../../src/db/migrate.js';
import { authenticateApiKey, createAccount, createWebSession, ensureDefaultAccount } from '../../src/domain/accounts/index.js';
import type { Scope } from '../../src/shared/key-scopes.js';
import { connectTemporal, type TemporalHandles } from '../../src/temporal/connect.js';
import { startApiServer } from '../support/api-server.js';
import { createIsolatedDatabase, openTestDatabase } from '../support/db.js';
import { TEST_PAYLOAD_CODEC } from '../support/payload-codec.js';

/**
 * Account admins apart from operators, on the real API over the test run's PostgreSQL: an account's admin key
 * manages its own account only; the global routes (accounts, other accounts' keys, limits and audit, the
 * codec that decrypts every tenant's payloads) need an operator key.
 */

const database = openTestDatabase(5);
let temporal: TemporalHandles;
let api: Awaited<ReturnType<typeof startApiServer>>;

beforeAll(async () => {
  temporal = await connectTemporal(inject('temporalAddress'), 'default', TEST_PAYLOAD_CODEC);
  api = await startApiServer(database, { client: temporal.client, taskQueue: `no-worker-${randomUUID().slice(0, 8)}` });
});
afterAll(async () => {
  await api?.close();
  await temporal?.close();
  await database.close();
});

const account = (scope: Scope) => createAccount(database.db, `tenancy-${randomUUID().slice(0, 8)}`, { scope });
const onePayload = { payloads: [{ metadata: { encoding: Buffer.from('json/plain').toString('base64') }, data: Buffer.from('"secret of A"').toString('base64') }] };

describe("an account admin stays in its account", () => {
  it("cannot decode payloads, read another account's audit, mint keys for it, or see and change accounts", async () => {
    const a = await account('write');
    const b = await account('admin');
    expect((await api.call('POST', '/api/distillations', a.apiKey, { keyword: 'a-only', topics: ['q?'] })).status).toBe(201);

    const refused: [string, string, unknown?][] = [
      ['POST', '/api/temporal-codec/decode', onePayload],
      ['POST', '/api/temporal-codec/encode', onePayload],
      ['GET', `/api/audit?accountId=${a.accountId}`],
      ['GET', '/api/audit?accountId=all'],
      ['POST', `/api/admin/accounts/${a.accountId}/keys`, { scope: 'admin' }],
      ['POST', `/api/admin/accounts/${b.accountId}/keys`, { scope: 'operator' }],
      ['GET', '/api/admin/accounts'],
      ['POST', '/api/admin/accounts', { name: 'not allowed' }],
      ['PATCH', `/api/admin/accounts/${a.accountId}`, { fairnessWeight: 50 }],
      ['PATCH', `/api/admin/accounts/${b.accountId}`, { fairnessWeight: 50 }],
      ['GET', `/api/admin/accounts/${a.accountId}/limits`],
      ['PATCH', `/api/admin/accounts/${a.accountId}/limits`, { maxPriority: 10 }],
      ['PATCH', `/api/admin/accounts/${b.accountId}/limits`, { maxPriority: 10 }],
      ['POST', '/api/keys', { scope: 'operator' }],
    ];
    for (const [method, url, body] of refused) {
      const r = await api.call(method, url, b.apiKey, body);
      // Soft: a failure names every route that let the admin through, not only the first.
      expect.soft([403, 404], `${method} ${url}: ${r.status} ${r.text}`).toContain(r.status);
      if (r.status === 403) expect.soft(r.body.error, `${method} ${url}`).toMatchObject({ code: 'FORBIDDEN_SCOPE', details: { required: 'operator', scope: 'admin' } });
    }
    expect(await database.sql`SELECT id FROM api_keys WHERE account_id = ${a.accountId}`).toHaveLength(1);
    expect((await database.sql`SELECT fairness_weight FROM accounts WHERE id = ${b.accountId}`)[0]!.fairness_weight).toBe(1);
  });

  it('still manages its own keys, reads its own audit and views its own limits', async () => {
    const b = await account('admin');
    const minted = await api.call('POST', '/api/keys', b.apiKey, { scope: 'admin', name: 'deputy' });
    expect(minted.status, minted.text).toBe(201);
    expect(minted.body.scope).toBe('admin');
    const revoked = await api.call('DELETE', `/api/keys/${minted.body.keyId}`, b.apiKey);
    expect(revoked.status, revoked.text).toBe(200);
    for (const url of ['/api/audit', `/api/audit?accountId=${b.accountId}`]) {
      const audit = await api.call('GET', url, b.apiKey);
      expect(audit.status, audit.text).toBe(200);
      expect(audit.body.events.length).toBeGreaterThanOrEqual(2);
      expect(new Set(audit.body.events.map((e: { accountId: number }) => e.accountId))).toEqual(new Set([b.accountId]));
    }
    const limits = await api.call('GET', `/api/admin/accounts/${b.accountId}/limits`, b.apiKey);
    expect(limits.status, limits.text).toBe(200);
    expect(limits.body).toMatchObject({ overrides: {}, effective: { maxPriority: expect.any(Number) } });
  });

  it('an operator key does the global work; an admin cannot revoke an operator key of its account', async () => {
    const a = await account('write');
    const operator = await account('operator');
    const decoded = await api.call('POST', '/api/temporal-codec/decode', operator.apiKey, onePayload);
    expect(decoded.status, decoded.text).toBe(200);
    expect((await api.call('GET', `/api/audit?accountId=${a.accountId}`, operator.apiKey)).status).toBe(200);
    expect((await api.call('GET', '/api/audit?accountId=all', operator.apiKey)).status).toBe(200);
    expect((await api.call('GET', '/api/admin/accounts?pageSize=5', operator.apiKey)).status).toBe(200);
    expect((await api.call('PATCH', `/api/admin/accounts/${a.accountId}/limits`, operator.apiKey, { maxPriority: 7 })).status).toBe(200);
    expect((await api.call('GET', `/api/admin/accounts/${a.accountId}/limits`, operator.apiKey)).body.overrides).toEqual({ maxPriority: 7 });
    const forA = await api.call('POST', `/api/admin/accounts/${a.accountId}/keys`, operator.apiKey, { scope: 'admin' });
    expect(forA.status, forA.text).toBe(201);
    const deputy = await api.call('POST', '/api/keys', operator.apiKey, { scope: 'operator' });
    expect(deputy.status, deputy.text).toBe(201);

    const admin = await api.call('POST', '/api/keys', operator.apiKey, { scope: 'admin' });
    const refused = await api.call('DELETE', `/api/keys/${deputy.body.keyId}`, admin.body.apiKey);
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('FORBIDDEN_SCOPE');
  });

  it("the console's account pages and their link are for operators only", async () => {
    const b = await account('admin');
    const operator = await account('operator');
    const open = async (key: string, url: string) => {
      const session = await createWebSession(database.db, key);
      if (!session.ok) throw new Error(`no session: ${session.reason}`);
      const res = await fetch(`${api.url}${url}`, { headers: { cookie: `artgen_session=${session.id}`, 'accept-language': 'en' }, redirect: 'manual' });
      return { status: res.status, html: await res.text() };
    };
    const adminPage = await open(b.apiKey, '/admin/accounts');
    expect(adminPage.status).toBe(403);
    expect(adminPage.html).toContain('operator keys');
    expect((await open(b.apiKey, `/admin/accounts/${b.accountId}/limits`)).status).toBe(403);
    expect((await open(b.apiKey, '/keys')).html).not.toContain('href="/admin/accounts"');
    const operatorPage = await open(operator.apiKey, '/admin/accounts');
    expect(operatorPage.status).toBe(200);
    expect(operatorPage.html).toContain('href="/admin/accounts"');
  });
});

describe('who becomes an operator', () => {
  it("the migration turns the bootstrap account's admin keys into operator keys and leaves other accounts' admins", async () => {
    const name = `tenancy_upgrade_${process.pid}`;
    const url = await emptyDatabase(name);
    const journal = JSON.parse(await readFile(path.join(MIGRATIONS_DIR, 'meta/_journal.json'), 'utf8')) as { entries: { tag: string }[] };
    const at = journal.entries.findIndex((e) => e.tag.endsWith('_operator_scope'));
    expect(at, 'the operator_scope migration').toBeGreaterThan(0);
    const before = await mkdtemp(path.join(tmpdir(), 'artgen-migrations-'));
    const sql = postgres(url, { max: 1, onnotice: () => undefined });
    try {
      await cp(MIGRATIONS_DIR, before, { recursive: true });
      await writeFile(path.join(before, 'meta/_journal.json'), JSON.stringify({ ...journal, entries: journal.entries.slice(0, at) }));
      await migrate(drizzle(sql), { migrationsFolder: before });
      const [first] = await sql<{ id: number }[]>`INSERT INTO accounts (name) VALUES ('bootstrap') RETURNING id`;
      const [second] = await sql<{ id: number }[]>`INSERT INTO accounts (name) VALUES ('team') RETURNING id`;
      await sql`INSERT INTO api_keys (account_id, key_hash, prefix, scope) VALUES
        (${first!.id}, 'h1', 'ak_boot1', 'admin'), (${first!.id}, 'h2', 'ak_boot2', 'write'), (${first!.id}, 'h3', 'ak_boot3', 'admin'),
        (${second!.id}, 'h4', 'ak_team1', 'admin'), (${second!.id}, 'h5', 'ak_team2', 'read')`;

      await runMigrations(url);
      const keys = await sql<{ prefix: string; scope: string }[]>`SELECT prefix, scope FROM api_keys ORDER BY id`;
      expect(keys).toEqual([
        { prefix: 'ak_boot1', scope: 'operator' },
        { prefix: 'ak_boot2', scope: 'write' },
        { prefix: 'ak_boot3', scope: 'operator' },
        { prefix: 'ak_team1', scope: 'admin' },
        { prefix: 'ak_team2', scope: 'read' },
      ]);
    } finally {
      await sql.end({ timeout: 5 });
      await rm(before, { recursive: true, force: true });
    }
  });

  it("the embedded `npm start` key is an operator key, on a new database and on an old one's admin key", async () => {
    const db = connectDatabase(await createIsolatedDatabase(`tenancy_embedded_${process.pid}`), { max: 2 });
    try {
      const first = await ensureDefaultAccount(db.db, undefined);
      expect(await authenticateApiKey(db.db, first.apiKey)).toMatchObject({ ok: true, scope: 'operator' });
      await db.sql`UPDATE api_keys SET scope = 'admin'`;
      const again = await ensureDefaultAccount(db.db, first.apiKey);
      expect(again.apiKey).toBe(first.apiKey);
      expect(await authenticateApiKey(db.db, first.apiKey)).toMatchObject({ ok: true, scope: 'operator' });
    } finally {
      await db.close();
    }
  });
});

/** A new empty database on the test run's PostgreSQL; returns its URL. */
async function emptyDatabase(name: string) {
  const admin = connectDatabase(inject('databaseUrl'), { max: 1 });
  try {
    await admin.sql.unsafe(`CREATE DATABASE ${name}`);
  } finally {
    await admin.close();
  }
  const url = new URL(inject('databaseUrl'));
  url.pathname = `/${name}`;
  return url.toString();
}
