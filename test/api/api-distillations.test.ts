import { describe, expect, it } from 'vitest';
import { newAccount } from '../support/db.js';
import { expectError, useHttpApi } from '../support/http-api.js';

/** The HTTP API end to end (test/support/http-api.ts): distillations. */
const h = useHttpApi();

describe('distillations', () => {
  it('creates one (201) with its topics, trimmed, and fresh counters', async () => {
    const { apiKey } = await newAccount(h.database);
    const r = await h.call('POST', '/api/distillations', {
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

    const noTopics = await h.call('POST', '/api/distillations', { key: apiKey, json: { keyword: 'bare' } });
    expect(noTopics.status, noTopics.text).toBe(201);
    expect(noTopics.body).toMatchObject({ keyword: 'bare', topics: [], topicCount: 0 });

    const got = await h.call('GET', `/api/distillations/${r.body.id}`, { key: apiKey });
    expect(got.status).toBe(200);
    expect(got.body).toEqual(r.body);
  });

  it('validates the body: 400 VALIDATION_ERROR naming the field', async () => {
    const { apiKey } = await newAccount(h.database);
    const cases: [unknown, string][] = [
      [{ keyword: '' }, 'keyword'],
      [{ keyword: '   ', topics: [] }, 'keyword'],
      [{ topics: ['a'] }, 'keyword'],
      [{ keyword: 'k'.repeat(201) }, 'keyword'],
      [{ keyword: 'ok', topics: ['fine', ''] }, 'topics.1'],
      [{ keyword: 'ok', topics: 'not a list' }, 'topics'],
    ];
    for (const [json, field] of cases) {
      const r = await h.call('POST', '/api/distillations', { key: apiKey, json });
      const err = expectError(r, 400, 'VALIDATION_ERROR');
      expect(err.message).toContain(field);
      expect(err.details?.issues.map((i: any) => i.field)).toContain(field);
    }
    const list = await h.call('GET', '/api/distillations', { key: apiKey });
    expect(list.body.total).toBe(0);
  });

  it('imports many at once (201 with ids) and validates the import', async () => {
    const { apiKey } = await newAccount(h.database);
    const r = await h.call('POST', '/api/distillations/import', {
      key: apiKey,
      json: { distillations: [{ keyword: 'a', topics: ['qa'] }, { keyword: 'b' }, { keyword: 'c', topics: ['q1', 'q2', 'q3'] }] },
    });
    expect(r.status, r.text).toBe(201);
    expect(r.body.imported).toBe(3);
    expect(r.body.ids).toHaveLength(3);
    expect([...r.body.ids].sort((x: number, y: number) => x - y)).toEqual(r.body.ids);
    const c = await h.call('GET', `/api/distillations/${r.body.ids[2]}`, { key: apiKey });
    expect(c.body).toMatchObject({ keyword: 'c', topics: ['q1', 'q2', 'q3'], topicCount: 3 });
    const b = await h.call('GET', `/api/distillations/${r.body.ids[1]}`, { key: apiKey });
    expect(b.body).toMatchObject({ keyword: 'b', topics: [], topicCount: 0 });

    const empty = await h.call('POST', '/api/distillations/import', { key: apiKey, json: { distillations: [] } });
    expect(expectError(empty, 400, 'VALIDATION_ERROR').message).toContain('distillations');
    const bad = await h.call('POST', '/api/distillations/import', {
      key: apiKey,
      json: { distillations: [{ keyword: 'fine' }, { keyword: '' }] },
    });
    expect(expectError(bad, 400, 'VALIDATION_ERROR').message).toContain('distillations.1.keyword');
    // A rejected import writes nothing; the topic-less row counts in total, not in selectable.
    expect((await h.call('GET', '/api/distillations', { key: apiKey })).body).toMatchObject({ total: 3, selectable: 2 });
    await h.call('DELETE', `/api/distillations/${r.body.ids[0]}`, { key: apiKey });
    expect((await h.call('GET', '/api/distillations?pageSize=1', { key: apiKey })).body).toMatchObject({ total: 2, selectable: 1 });
  });

  it('lists with pagination, newest first, and rejects a bad page size', async () => {
    const { apiKey } = await newAccount(h.database);
    const ids: number[] = [];
    for (const keyword of ['one', 'two', 'three', 'four', 'five']) {
      const r = await h.call('POST', '/api/distillations', { key: apiKey, json: { keyword, topics: ['q'] } });
      ids.push(r.body.id);
    }
    const all = await h.call('GET', '/api/distillations', { key: apiKey });
    expect(all.body).toMatchObject({ page: 1, pageSize: 20, total: 5 });
    expect(all.body.items.map((d: any) => d.id)).toEqual([...ids].reverse());

    const p1 = await h.call('GET', '/api/distillations?page=1&pageSize=2', { key: apiKey });
    expect(p1.status).toBe(200);
    expect(p1.body).toMatchObject({ page: 1, pageSize: 2, total: 5 });
    expect(p1.body.items.map((d: any) => d.keyword)).toEqual(['five', 'four']);
    const p3 = await h.call('GET', '/api/distillations?page=3&pageSize=2', { key: apiKey });
    expect(p3.body).toMatchObject({ page: 3, pageSize: 2, total: 5 });
    expect(p3.body.items.map((d: any) => d.keyword)).toEqual(['one']);
    const past = await h.call('GET', '/api/distillations?page=9&pageSize=2', { key: apiKey });
    expect(past.body).toMatchObject({ items: [], page: 9, total: 5 });

    for (const q of ['pageSize=500', 'pageSize=0', 'page=0', 'page=abc', 'pageSize=2.5']) {
      const r = await h.call('GET', `/api/distillations?${q}`, { key: apiKey });
      const err = expectError(r, 400, 'VALIDATION_ERROR');
      expect(err.message).toContain(q.split('=')[0]!);
    }
    const big = await h.call('GET', '/api/distillations?pageSize=500', { key: apiKey });
    expect(big.body.error.message).toContain('pageSize must be <= 100');
  });

  it('gets, replaces topics, deletes (204, then 404) and rejects bad ids', async () => {
    const { apiKey } = await newAccount(h.database);
    const created = await h.call('POST', '/api/distillations', { key: apiKey, json: { keyword: 'tea', topics: ['old 1', 'old 2'] } });
    const id = created.body.id as number;

    const put = await h.call('PUT', `/api/distillations/${id}/topics`, { key: apiKey, json: { topics: ['new 1', ' new 2 ', 'new 3'] } });
    expect(put.status, put.text).toBe(200);
    expect(put.body).toMatchObject({ id, keyword: 'tea', topics: ['new 1', 'new 2', 'new 3'], topicCount: 3 });
    const got = await h.call('GET', `/api/distillations/${id}`, { key: apiKey });
    expect(got.body.topics).toEqual(['new 1', 'new 2', 'new 3']);

    const cleared = await h.call('PUT', `/api/distillations/${id}/topics`, { key: apiKey, json: { topics: [] } });
    expect(cleared.body).toMatchObject({ topics: [], topicCount: 0 });
    const badPut = await h.call('PUT', `/api/distillations/${id}/topics`, { key: apiKey, json: { topics: [''] } });
    expect(expectError(badPut, 400, 'VALIDATION_ERROR').message).toContain('topics.0');
    const missingPut = await h.call('PUT', `/api/distillations/${id}/topics`, { key: apiKey, json: {} });
    expect(expectError(missingPut, 400, 'VALIDATION_ERROR').message).toContain('topics');

    const del = await h.call('DELETE', `/api/distillations/${id}`, { key: apiKey });
    expect(del.status).toBe(204);
    expect(del.text).toBe('');
    const gone = await h.call('GET', `/api/distillations/${id}`, { key: apiKey });
    const err = expectError(gone, 404, 'NOT_FOUND');
    expect(err.message).toContain(String(id));
    expect(err.details).toEqual({ resource: 'distillation', id });
    expectError(await h.call('DELETE', `/api/distillations/${id}`, { key: apiKey }), 404, 'NOT_FOUND');
    expectError(await h.call('PUT', `/api/distillations/${id}/topics`, { key: apiKey, json: { topics: ['x'] } }), 404, 'NOT_FOUND');
    expect((await h.call('GET', '/api/distillations', { key: apiKey })).body.total).toBe(0);

    for (const bad of ['abc', '0', '-1', '1.5', '1e3', '9999999999']) {
      const r = await h.call('GET', `/api/distillations/${bad}`, { key: apiKey });
      const e = expectError(r, 400, 'INVALID_ID');
      expect(e.message).toContain(`'${bad}'`);
      expect(e.details).toEqual({ id: bad });
    }
    expectError(await h.call('DELETE', '/api/distillations/abc', { key: apiKey }), 400, 'INVALID_ID');
    expectError(await h.call('PUT', '/api/distillations/abc/topics', { key: apiKey, json: { topics: [] } }), 400, 'INVALID_ID');
  });

  it("another account's distillation is 404 for get, put and delete, and stays untouched", async () => {
    const owner = await newAccount(h.database);
    const other = await newAccount(h.database);
    const created = await h.call('POST', '/api/distillations', { key: owner.apiKey, json: { keyword: 'mine', topics: ['q'] } });
    const id = created.body.id as number;
    expectError(await h.call('GET', `/api/distillations/${id}`, { key: other.apiKey }), 404, 'NOT_FOUND');
    expectError(await h.call('PUT', `/api/distillations/${id}/topics`, { key: other.apiKey, json: { topics: ['hijacked'] } }), 404, 'NOT_FOUND');
    expectError(await h.call('DELETE', `/api/distillations/${id}`, { key: other.apiKey }), 404, 'NOT_FOUND');
    expect((await h.call('GET', '/api/distillations', { key: other.apiKey })).body.total).toBe(0);
    const still = await h.call('GET', `/api/distillations/${id}`, { key: owner.apiKey });
    expect(still.status).toBe(200);
    expect(still.body).toMatchObject({ keyword: 'mine', topics: ['q'], deletedAt: null });
  });
});
