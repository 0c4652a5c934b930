import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connectDatabase } from '../../src/db/client.js';
import { hashApiKey } from '../../src/domain/accounts/index.js';
import { findFreePort } from '../../src/infra/temporal-dev-server.js';
import { connectTemporal, type TemporalHandles } from '../../src/temporal/connect.js';
import { TEST_PAYLOAD_CODEC } from '../support/payload-codec.js';
import { startApiServer } from '../support/api-server.js';
import { newAccount, openTestDatabase } from '../support/db.js';
import { captureLogger } from '../support/log-capture.js';

/**
 * Imports at the documented limits (1,000 distillations x 200 topics) and what the logs say when a query
 * fails: never the query's parameters (user content, key hashes).
 */

const database = openTestDatabase(5);
let temporal: TemporalHandles;
beforeAll(async () => {
  temporal = await connectTemporal(inject('temporalAddress'), 'default', TEST_PAYLOAD_CODEC);
});
afterAll(async () => {
  await temporal?.close();
  await database.close();
});

const counts = async (accountId: number) =>
  (
    await database.sql<{ distillations: number; topics: number; wrong_topic_count: number }[]>`
      SELECT count(DISTINCT d.id)::int AS distillations, count(t.id)::int AS topics,
             count(DISTINCT d.id) FILTER (WHERE d.topic_count <> 200)::int AS wrong_topic_count
      FROM distillations d LEFT JOIN topics t ON t.distillation_id = d.id
      WHERE d.account_id = ${accountId}`
  )[0]!;

describe('POST /api/distillations/import at the documented limits', () => {
  it('imports 1,000 distillations x 200 topics (201, exact counts) and logs no topic text', async () => {
    const { accountId, apiKey } = await newAccount(database);
    const { log, lines } = captureLogger();
    const api = await startApiServer(database, { client: temporal.client, taskQueue: 'unused' }, { log });
    try {
      const distillations = Array.from({ length: 1000 }, (_, i) => ({
        keyword: `import-kw-${i}`,
        topics: Array.from({ length: 200 }, (_, j) => `q${j}`),
      }));
      const r = await api.call('POST', '/api/distillations/import', apiKey, { distillations });
      expect(r.status, r.text.slice(0, 500)).toBe(201);
      expect(r.body.imported).toBe(1000);
      expect(new Set(r.body.ids).size).toBe(1000);
      expect(await counts(accountId)).toEqual({ distillations: 1000, topics: 200_000, wrong_topic_count: 0 });
      const positions = await database.sql<{ ok: boolean }[]>`
        SELECT bool_and(t.question = 'q' || t.position) AS ok FROM topics t JOIN distillations d ON d.id = t.distillation_id
        WHERE d.account_id = ${accountId}`;
      expect(positions[0]!.ok).toBe(true);
      expect(lines.filter((l) => l.includes('import-kw-'))).toEqual([]);
    } finally {
      await api.close();
    }
  }, 120_000);

  it('an import PostgreSQL refuses after the distillations were inserted writes nothing (one transaction)', async () => {
    const { accountId, apiKey } = await newAccount(database);
    const api = await startApiServer(database, { client: temporal.client, taskQueue: 'unused' });
    try {
      const distillations = Array.from({ length: 1000 }, (_, i) => ({
        keyword: `all-or-nothing-${i}`,
        topics: Array.from({ length: 200 }, (_, j) => (i === 999 && j === 199 ? 'lone surrogate \ud800' : `q${j}`)),
      }));
      const r = await api.call('POST', '/api/distillations/import', apiKey, { distillations });
      expect({ status: r.status, code: r.body?.error?.code }, r.text.slice(0, 500)).toEqual({ status: 400, code: 'INVALID_INPUT' });
      expect(r.text).not.toContain('surrogate');
      expect(await counts(accountId)).toEqual({ distillations: 0, topics: 0, wrong_topic_count: 0 });
    } finally {
      await api.close();
    }
  }, 120_000);
});

describe('a failing query in the logs', () => {
  it('the API over a database that is down logs the failure without the query parameters (the key hash)', async () => {
    const dead = connectDatabase(`postgres://artgen@127.0.0.1:${await findFreePort()}/none`, { max: 1 });
    const { log, lines } = captureLogger();
    const api = await startApiServer(dead, { client: temporal.client, taskQueue: 'unused' }, { log });
    try {
      const key = 'ak_secret-key-for-the-log-test';
      const r = await api.call('POST', '/api/distillations', key, { keyword: 'secret keyword', topics: ['secret topic'] });
      expect(r.status, r.text).toBe(503);
      expect(lines.length).toBeGreaterThan(0);
      const all = lines.join('\n');
      expect(all).toContain('database unavailable');
      expect(all).not.toContain(hashApiKey(key));
      expect(all).not.toContain('params');
    } finally {
      await api.close();
      await dead.close();
    }
  });

  it("a query PostgreSQL rejects is logged with its SQL and error code, not its values", async () => {
    const { log, lines } = captureLogger();
    const err = await database.db
      .execute(sql`INSERT INTO topics (distillation_id, question, position) VALUES (${2_000_000_000}, ${'private question text'}, ${0})`)
      .catch((e: unknown) => e);
    log.error({ err }, 'query failed');
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0]!);
    expect(lines[0]).not.toContain('private question text');
    expect(lines[0]).not.toContain('2000000000');
    expect(JSON.stringify(line.err)).toContain('INSERT INTO topics');
    expect(JSON.stringify(line.err)).toContain('23503');
  });
});
