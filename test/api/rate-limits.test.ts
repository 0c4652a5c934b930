import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DEFAULT_LIMITS, type LimitDefaults } from '../../src/config.js';
import { createApiKey } from '../../src/domain/accounts/index.js';
import { connectTemporal, type TemporalHandles } from '../../src/temporal/connect.js';
import { TEST_PAYLOAD_CODEC } from '../support/payload-codec.js';
import { startApiServer } from '../support/api-server.js';
import { newAccount, openTestDatabase } from '../support/db.js';

/**
 * Rate limits over real HTTP: the buckets live in PostgreSQL, so two API app instances on the same
 * database share them. No worker is needed: the writes here are distillation and task creations.
 */
const database = openTestDatabase();
let temporal: TemporalHandles;
type Api = Awaited<ReturnType<typeof startApiServer>>;
const apis: Api[] = [];

const WINDOW = 60;
const limited = (over: Partial<LimitDefaults>): LimitDefaults => ({ ...DEFAULT_LIMITS, windowSeconds: WINDOW, ...over });
let shared: [Api, Api];
let short: Api;

beforeAll(async () => {
  temporal = await connectTemporal(inject('temporalAddress'), 'default', TEST_PAYLOAD_CODEC);
  const target = { client: temporal.client, taskQueue: 'rate-limit-test-unused' };
  const sharedLimits = limited({ writesPerWindowPerKey: 4, writesPerWindowPerAccount: 6 });
  shared = [await startApiServer(database, target, { limits: sharedLimits }), await startApiServer(database, target, { limits: sharedLimits })];
  short = await startApiServer(database, target, { limits: limited({ windowSeconds: 2, writesPerWindowPerKey: 3 }) });
  apis.push(...shared, short);
});
afterAll(async () => {
  for (const api of apis) await api.close();
  await temporal?.close();
  await database.close();
});

async function post(api: Api, key: string, path: string, body: unknown) {
  const res = await fetch(`${api.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as any, headers: res.headers };
}
const distillation = (api: Api, key: string, i: number) => post(api, key, '/api/distillations', { keyword: `rl-${i}`, topics: ['q?'] });

describe('rate limits', () => {
  it('answers 429 RATE_LIMITED with Retry-After and RateLimit headers, and lets writes through again once Retry-After has passed', async () => {
    const { apiKey, keyId, accountId } = await newAccount(database);
    const first = await distillation(short, apiKey, 0);
    expect(first.status).toBe(201);
    expect(first.headers.get('ratelimit-limit')).toBe('3');
    expect(first.headers.get('ratelimit-remaining')).toBe('2');
    expect(Number(first.headers.get('ratelimit-reset'))).toBeGreaterThanOrEqual(1);
    // In parallel: the bucket refills one write per 2/3 s, so a slow sequence could be let through.
    const burst = await Promise.all([1, 2, 3, 4, 5].map((i) => distillation(short, apiKey, 10 + i)));
    const refused = burst.find((r) => r.status === 429)!;
    expect(refused).toBeDefined();
    expect(refused.body.error).toMatchObject({ code: 'RATE_LIMITED', details: { limit: 3, windowSeconds: 2, scope: 'key' } });
    expect(refused.body.error.message).toMatch(/Retry after \d+ s/);
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(2);
    expect(refused.headers.get('ratelimit-remaining')).toBe('0');
    expect(refused.headers.get('ratelimit-reset')).toBe(String(retryAfter));

    // Reads are never limited.
    const read = await fetch(`${short.url}/api/distillations`, { headers: { authorization: `Bearer ${apiKey}` } });
    expect(read.status).toBe(200);

    // Retry-After seconds pass for the buckets (their clock is the database's now()): the state is one timestamp each.
    await database.sql`UPDATE rate_limit_buckets SET tat = tat - make_interval(secs => ${retryAfter}) WHERE bucket IN (${`key:${keyId}`}, ${`account:${accountId}`})`;
    const again = await distillation(short, apiKey, 3);
    expect(again.status).toBe(201);
    // GCRA refills evenly (one write per 2/3 s here), so right after Retry-After there is little left.
    expect(Number(again.headers.get('ratelimit-remaining'))).toBeLessThan(3);
    // One row per bucket, however many requests.
    const buckets = await database.sql`SELECT count(*)::int AS n FROM rate_limit_buckets WHERE bucket = ${`key:${keyId}`}`;
    expect(buckets[0]!.n).toBe(1);
  });

  it('is shared by two API instances on one database: per key, then per account over all its keys', async () => {
    const { apiKey, accountId } = await newAccount(database);
    const { apiKey: second } = await createApiKey(database.db, accountId, { scope: 'write' });

    // Key limit 4, alternating between the two instances, in parallel.
    const burst = await Promise.all(Array.from({ length: 8 }, (_, i) => distillation(shared[i % 2]!, apiKey, i)));
    expect(burst.filter((r) => r.status === 201)).toHaveLength(4);
    expect(burst.filter((r) => r.status === 429).map((r) => r.body.error.details.scope)).toEqual(['key', 'key', 'key', 'key']);

    // The account's limit (6) counts every key's accepted writes: the second key has 4 of its own, but
    // the account only 2 left (refused requests use nothing up).
    const other = await Promise.all(Array.from({ length: 4 }, (_, i) => distillation(shared[i % 2]!, second, 100 + i)));
    expect(other.filter((r) => r.status === 201)).toHaveLength(2);
    expect(other.filter((r) => r.status === 429).map((r) => r.body.error.details.scope)).toEqual(['account', 'account']);
    const [rows] = await database.sql`SELECT count(*)::int AS n FROM distillations WHERE account_id = ${accountId}`;
    expect(rows!.n).toBe(6);
  });
});
