import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createAuditRetentionActivities } from '../../src/activities/audit-retention.js';
import { DEFAULT_LIMITS } from '../../src/config.js';
import { createAccount } from '../../src/domain/accounts/index.js';
import { createLogger } from '../../src/logger.js';
import { useApiWithoutWorker } from '../support/stack.js';

/** The audit trail through real HTTP: rows for writes and refused keys, the request id, the listing, retention. */

const stack = useApiWithoutWorker();
const { database } = stack;

const account = (scope: 'write' | 'admin' | 'operator' = 'write') => createAccount(database.db, `audit-${randomUUID().slice(0, 8)}`, { scope });
const rowsOf = (accountId: number) =>
  database.sql`SELECT method, route, status, target_ids, request_id, key_prefix, client_ip FROM audit_events WHERE account_id = ${accountId} ORDER BY id`;

async function send(method: string, path: string, key: string | null, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${stack.api.url}${path}`, {
    method,
    headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null, text, requestId: res.headers.get('x-request-id') };
}

describe('audit trail', () => {
  it('records every write after it is answered (method, route pattern, target ids, status, request id), no read, no body, no query, no key', async () => {
    const a = await account();
    const created = await send('POST', '/api/distillations', a.apiKey, { keyword: 'secret keyword', topics: ['q?'] });
    expect(created.status).toBe(201);
    const id = created.body.id as number;
    const topics = await send('PUT', `/api/distillations/${id}/topics`, a.apiKey, { topics: ['new?'] });
    const invalid = await send('POST', '/api/distillations', a.apiKey, { keyword: '' });
    const repair = await send('POST', '/api/usage/repair?dryRun=true', a.apiKey);
    const key = await send('POST', '/api/keys', a.apiKey, { scope: 'read', name: 'dash' });
    await send('GET', '/api/distillations', a.apiKey);
    const deleted = await send('DELETE', `/api/distillations/${id}`, a.apiKey);
    expect([topics.status, invalid.status, repair.status, key.status, deleted.status]).toEqual([200, 400, 200, 201, 204]);

    const rows = await rowsOf(a.accountId);
    const prefix = a.apiKey.slice(0, 8);
    expect(rows).toEqual([
      { method: 'POST', route: '/api/distillations', status: 201, target_ids: { id }, request_id: created.requestId, key_prefix: prefix, client_ip: '127.0.0.1' },
      { method: 'PUT', route: '/api/distillations/:id/topics', status: 200, target_ids: { id }, request_id: topics.requestId, key_prefix: prefix, client_ip: '127.0.0.1' },
      { method: 'POST', route: '/api/distillations', status: 400, target_ids: {}, request_id: invalid.requestId, key_prefix: prefix, client_ip: '127.0.0.1' },
      { method: 'POST', route: '/api/usage/repair', status: 200, target_ids: {}, request_id: repair.requestId, key_prefix: prefix, client_ip: '127.0.0.1' },
      { method: 'POST', route: '/api/keys', status: 201, target_ids: { keyId: key.body.keyId }, request_id: key.requestId, key_prefix: prefix, client_ip: '127.0.0.1' },
      { method: 'DELETE', route: '/api/distillations/:id', status: 204, target_ids: { id }, request_id: deleted.requestId, key_prefix: prefix, client_ip: '127.0.0.1' },
    ]);
    const stored = JSON.stringify(await database.sql`SELECT * FROM audit_events WHERE account_id = ${a.accountId}`);
    for (const secret of ['secret keyword', 'dryRun', key.body.apiKey, a.apiKey]) expect(stored).not.toContain(secret);
  });

  it('honours a valid X-Request-Id and replaces an invalid one, on every answer', async () => {
    const a = await account();
    const mine = `req-${randomUUID()}`;
    expect((await send('POST', '/api/distillations', a.apiKey, { keyword: 'k' }, { 'x-request-id': mine })).requestId).toBe(mine);
    const replaced = await send('GET', '/api/health', null, undefined, { 'x-request-id': 'bad id with spaces' });
    expect(replaced.requestId).toMatch(/^[\w-]{20,}$/);
    expect((await send('GET', '/api/nowhere', a.apiKey)).requestId).toMatch(/^[\w-]{20,}$/);
    const [row] = await database.sql`SELECT request_id FROM audit_events WHERE account_id = ${a.accountId}`;
    expect(row!.request_id).toBe(mine);
  });

  it('records refused auth attempts (no key, unknown key, wrong scope), at most one per key prefix and address per second', async () => {
    const a = await account();
    const read = (await send('POST', '/api/keys', a.apiKey, { scope: 'read' })).body;
    const forbidden = await send('DELETE', '/api/distillations/1', read.apiKey);
    expect(forbidden.status).toBe(403);
    const [refusedScope] = await database.sql`SELECT * FROM audit_events WHERE request_id = ${forbidden.requestId!}`;
    expect(refusedScope).toMatchObject({ account_id: a.accountId, key_prefix: read.prefix, method: 'DELETE', route: '/api/distillations/:id', status: 403 });

    const unknown = `ak_${randomUUID().replace(/-/g, '')}`;
    const [{ before }] = (await database.sql`SELECT floor(extract(epoch FROM now()))::bigint AS before`) as unknown as [{ before: string }];
    const flood = await Promise.all(Array.from({ length: 40 }, () => send('POST', '/api/distillations', unknown, { keyword: 'x' })));
    const [{ after }] = (await database.sql`SELECT floor(extract(epoch FROM now()))::bigint AS after`) as unknown as [{ after: string }];
    // Past the key prefix's failure limit the rest are throttled (test/security/limits.test.ts covers the throttle).
    const unauthenticated = flood.filter((r) => r.status === 401);
    expect(unauthenticated.length).toBeGreaterThanOrEqual(1);
    expect(unauthenticated.length).toBeLessThanOrEqual(DEFAULT_LIMITS.authFailuresPerKeyPrefix);
    expect(unauthenticated[0]!.body.error.code).toBe('INVALID_API_KEY');
    expect(flood.filter((r) => r.status !== 401).every((r) => r.status === 429 && r.body.error.code === 'AUTH_THROTTLED')).toBe(true);
    const rows = await database.sql`SELECT account_id, status, route FROM audit_events WHERE key_prefix = ${unknown.slice(0, 8)}`;
    const seconds = Number(after) - Number(before) + 1;
    expect(rows.length).toBeGreaterThanOrEqual(1);
    // One per second for the refusals, one per throttled period for the throttled attempts.
    expect(rows.length).toBeLessThanOrEqual(seconds + 2);
    expect(rows.length).toBeLessThan(40);
    expect(rows.find((r) => r.status === 401)).toMatchObject({ account_id: null, status: 401, route: '/api/distillations' });

    const none = await send('GET', '/api/distillations', null);
    expect(none.status).toBe(401);
    const [noKey] = await database.sql`SELECT key_prefix, status FROM audit_events WHERE request_id = ${none.requestId!}`;
    expect(noKey).toEqual({ key_prefix: null, status: 401 });
  });

  it('GET /api/audit lists the own account, filtered by action and time; operator keys read any account', async () => {
    const a = await account();
    const operator = await account('operator');
    const created = await send('POST', '/api/distillations', a.apiKey, { keyword: 'k' });
    await send('DELETE', `/api/distillations/${created.body.id}`, a.apiKey);
    const all = await send('GET', '/api/audit', a.apiKey);
    expect(all.status).toBe(200);
    expect(all.body).toMatchObject({ page: 1, pageSize: 20, total: 2 });
    expect(all.body.events.map((e: any) => e.action)).toEqual(['DELETE /api/distillations/:id', 'POST /api/distillations']);
    const deletes = await send('GET', '/api/audit?action=DELETE', a.apiKey);
    expect(deletes.body.events).toEqual([expect.objectContaining({ method: 'DELETE', targetIds: { id: created.body.id }, status: 204 })]);
    const exact = await send('GET', `/api/audit?action=${encodeURIComponent('POST /api/distillations')}`, a.apiKey);
    expect(exact.body.total).toBe(1);
    const future = await send('GET', `/api/audit?from=${encodeURIComponent(new Date(Date.now() + 3_600_000).toISOString())}`, a.apiKey);
    expect(future.body.total).toBe(0);
    const bad = await send('GET', '/api/audit?from=yesterday', a.apiKey);
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('from must be an ISO 8601 date-time');
    const other = await send('GET', `/api/audit?accountId=${operator.accountId}`, a.apiKey);
    expect(other.status).toBe(403);
    expect(other.body.error.code).toBe('FORBIDDEN_SCOPE');
    const asOperator = await send('GET', `/api/audit?accountId=${a.accountId}`, operator.apiKey);
    expect(asOperator.body.total).toBe(2);
  });

  it('deletes audit events older than the retention and keeps the rest', async () => {
    const a = await account();
    await send('POST', '/api/distillations', a.apiKey, { keyword: 'k' });
    await database.sql`INSERT INTO audit_events (created_at, account_id, method, route, status, request_id)
      VALUES (now() - interval '31 days', ${a.accountId}, 'POST', '/api/old', 201, 'old-1'),
             (now() - interval '29 days', ${a.accountId}, 'POST', '/api/recent', 201, 'recent-1')`;
    const retention = createAuditRetentionActivities({ db: database.db, log: createLogger('silent'), auditRetentionDays: 30 });
    const result = await retention.deleteExpiredAuditEvents();
    expect(result.deleted).toBeGreaterThanOrEqual(1);
    expect((await rowsOf(a.accountId)).map((r) => r.route)).toEqual(['/api/distillations', '/api/recent']);
  });
});
