import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createEventHub } from '../../src/http/event-hub.js';
import { DEFAULT_LIMITS, type LimitDefaults } from '../../src/config.js';
import { createApiKey } from '../../src/domain/accounts/index.js';
import { createTaskWithReservations } from '../../src/domain/tasks/selection.js';
import { finishTask } from '../../src/domain/tasks/task-lifecycle.js';
import { connectTemporal, type TemporalHandles } from '../../src/temporal/connect.js';
import { startApiServer } from '../support/api-server.js';
import { newAccount, openTestDatabase, seedDistillations } from '../support/db.js';
import { TEST_PAYLOAD_CODEC } from '../support/payload-codec.js';
import { openSse, readUntilEnd, type SseConnection } from '../support/sse.js';

/**
 * Limits that hold everywhere (issue 15, items 6-9), over real HTTP with two API instances on one
 * database wherever a limit must hold across processes. Small limits and short periods are injected
 * through the limits config, so nothing waits for a window.
 */
const database = openTestDatabase(10);
let temporal: TemporalHandles;
type Api = Awaited<ReturnType<typeof startApiServer>>;
const apis: Api[] = [];

async function pair(limits: Partial<LimitDefaults>): Promise<[Api, Api]> {
  const target = { client: temporal.client, taskQueue: 'limits-test-unused' };
  const both: [Api, Api] = [
    await startApiServer(database, target, { limits: { ...DEFAULT_LIMITS, ...limits } }),
    await startApiServer(database, target, { limits: { ...DEFAULT_LIMITS, ...limits } }),
  ];
  apis.push(...both);
  return both;
}

beforeAll(async () => {
  temporal = await connectTemporal(inject('temporalAddress'), 'default', TEST_PAYLOAD_CODEC);
});
afterAll(async () => {
  for (const api of apis) await api.close();
  await temporal?.close();
  await database.close();
});

const auth = (key: string) => ({ authorization: `Bearer ${key}` });

async function apiPost(api: Api, key: string, path: string, body: unknown) {
  const res = await fetch(`${api.url}${path}`, { method: 'POST', headers: { ...auth(key), 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as any, headers: res.headers };
}
const apiDistillation = (api: Api, key: string, keyword: string) => apiPost(api, key, '/api/distillations', { keyword, topics: ['q?'] });

const cookieOf = (res: Response, name: string) => res.headers.getSetCookie().map((c) => c.split(';')[0]!).find((c) => c.startsWith(`${name}=`));
const csrfIn = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1];

/** Posts the console's sign-in form as a browser would (double-submit token, same-origin). */
async function consoleSignIn(api: Api, key: string) {
  const form = await fetch(`${api.url}/sign-in`);
  const token = csrfIn(await form.text())!;
  return fetch(`${api.url}/sign-in`, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie: cookieOf(form, 'artgen_sign_in')!, origin: api.url, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: token, apiKey: key }),
  });
}

/** A signed-in console session: its cookie and CSRF token. */
async function consoleSession(api: Api, key: string) {
  const res = await consoleSignIn(api, key);
  expect(res.status).toBe(303);
  const cookie = cookieOf(res, 'artgen_session')!;
  const page = await fetch(`${api.url}/distillations`, { headers: { cookie } });
  const csrf = csrfIn(await page.text())!;
  return {
    cookie,
    addDistillation: (keyword: string) =>
      fetch(`${api.url}/distillations`, {
        method: 'POST',
        redirect: 'manual',
        headers: { cookie, origin: api.url, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ _csrf: csrf, keyword, topics: 'why?' }),
      }),
  };
}

async function distillationCount(accountId: number) {
  const [row] = await database.sql`SELECT count(*)::int AS n FROM distillations WHERE account_id = ${accountId}`;
  return row!.n as number;
}

describe('item 6: console writes count against the API write buckets', () => {
  it('shares one per-key bucket between API writes and console writes, across two API processes', async () => {
    const [a, b] = await pair({ windowSeconds: 3600, writesPerWindowPerKey: 5, writesPerWindowPerAccount: 1000 });
    const { apiKey, accountId } = await newAccount(database);
    const session = await consoleSession(a, apiKey);

    for (let i = 0; i < 3; i++) expect((await apiDistillation(b, apiKey, `api-${i}`)).status).toBe(201);
    const console = [];
    for (let i = 0; i < 4; i++) console.push(await session.addDistillation(`console-${i}`));
    expect(console.map((r) => r.status)).toEqual([303, 303, 429, 429]);
    expect(Number(console[2]!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await console[2]!.text()).toContain('RATE_LIMITED');

    const api = await apiDistillation(b, apiKey, 'api-late');
    expect(api.status).toBe(429);
    expect(api.body.error).toMatchObject({ code: 'RATE_LIMITED', details: { scope: 'key' } });
    expect(await distillationCount(accountId)).toBe(5);
  });
});

describe('item 7: no double burst at a window boundary', () => {
  it('accepts at most the burst plus what the rate refills over the elapsed time, across two API processes', async () => {
    const limit = 20;
    const periodSeconds = 2;
    const emission = periodSeconds / limit;
    const apis = await pair({ windowSeconds: periodSeconds, writesPerWindowPerKey: limit, writesPerWindowPerAccount: 1_000_000 });
    const { apiKey } = await newAccount(database);
    let n = 0;
    const write = () => apiDistillation(apis[n % 2]!, apiKey, `burst-${n++}`);
    const started = performance.now();

    const first = await Promise.all(Array.from({ length: limit }, write));
    // Once the limiter lets one write through again (a fixed window: at its boundary), burst again at once.
    while ((await write()).status !== 201);
    const second = await Promise.all(Array.from({ length: 2 * limit }, write));
    const elapsed = (performance.now() - started) / 1000;

    const accepted = [...first, ...second].filter((r) => r.status === 201).length + 1;
    expect(first.filter((r) => r.status === 201)).toHaveLength(limit);
    // GCRA: in any span t at most `limit` at once plus one per emission interval (one more for rounding).
    expect(accepted, `accepted ${accepted} in ${elapsed.toFixed(3)} s`).toBeLessThanOrEqual(limit + 1 + Math.floor(elapsed / emission));
    const refused = second.find((r) => r.status === 429)!;
    expect(refused.body.error.code).toBe('RATE_LIMITED');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(refused.headers.get('ratelimit-remaining')).toBe('0');
  });
});

describe('item 8: caps on open event streams', () => {
  async function idleTask(accountId: number, tag: string) {
    await seedDistillations(database, accountId, [{ keyword: `stream-${tag}` }]);
    return (await createTaskWithReservations(database.db, accountId, { articleCount: 1 })).id;
  }
  const open: SseConnection[] = [];
  afterAll(() => open.forEach((c) => c.close()));
  async function stream(api: Api, key: string, taskId: number) {
    const conn = await openSse(`${api.url}/api/article-generation/tasks/${taskId}/events`, auth(key));
    open.push(conn);
    return conn;
  }

  it('answers 429 TOO_MANY_STREAMS past the per-key and per-account caps across processes; open streams work and a closed one frees its slot', async () => {
    const [a, b] = await pair({ streamsPerKey: 2, streamsPerAccount: 3 });
    const { apiKey, accountId } = await newAccount(database);
    const { apiKey: second } = await createApiKey(database.db, accountId, { scope: 'read' });
    const taskId = await idleTask(accountId, `${accountId}`);

    const one = await stream(a, apiKey, taskId);
    const two = await stream(b, apiKey, taskId);
    expect([one.status, two.status]).toEqual([200, 200]);
    const over = await stream(a, apiKey, taskId);
    expect(over.status).toBe(429);
    expect(JSON.parse(over.errorText!).error).toMatchObject({ code: 'TOO_MANY_STREAMS', details: { scope: 'key', limit: 2 } });
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);

    // The account's cap counts every key's streams.
    expect((await stream(b, second, taskId)).status).toBe(200);
    const overAccount = await stream(b, second, taskId);
    expect(overAccount.status).toBe(429);
    expect(JSON.parse(overAccount.errorText!).error).toMatchObject({ code: 'TOO_MANY_STREAMS', details: { scope: 'account', limit: 3 } });

    // Closing a stream frees its slot (in whichever process it was open).
    two.close();
    await expect
      .poll(async () => {
        const again = await stream(a, apiKey, taskId);
        return again.status;
      })
      .toBe(200);

    // Streams under the cap still deliver: the task's final event ends them.
    const reading = readUntilEnd(one);
    await finishTask(database.db, taskId, { status: 'canceled', reason: 'limits' });
    expect((await reading).map((m) => m.event)).toEqual(['task.canceled']);
  });

  it('counts the console streams of a signed-in key against the same cap', async () => {
    const [a, b] = await pair({ streamsPerKey: 1, streamsPerAccount: 10 });
    const { apiKey, accountId } = await newAccount(database);
    const taskId = await idleTask(accountId, `console-${accountId}`);
    const session = await consoleSession(a, apiKey);
    const live = await openSse(`${a.url}/live/tasks/${taskId}/events`, { cookie: session.cookie });
    open.push(live);
    expect(live.status).toBe(200);
    const over = await stream(b, apiKey, taskId);
    expect(over.status).toBe(429);
    expect(JSON.parse(over.errorText!).error).toMatchObject({ code: 'TOO_MANY_STREAMS', details: { scope: 'key' } });
    const overList = await openSse(`${b.url}/live/tasks?ids=${taskId}`, { cookie: session.cookie });
    open.push(overList);
    expect(overList.status).toBe(429);
    await finishTask(database.db, taskId, { status: 'canceled', reason: 'limits' });
  });

  it('polls PostgreSQL once per interval for all streams of a process, waking only those of tasks with new events', async () => {
    const { accountId } = await newAccount(database);
    const tasks = [await idleTask(accountId, `poll-a-${accountId}`), await idleTask(accountId, `poll-b-${accountId}`)];
    let queries = 0;
    const counted = new Proxy(database.sql, { apply: (target, self, args) => (queries++, Reflect.apply(target, self, args)) });
    const hub = createEventHub(counted, { listen: false, pollMs: 20 });
    const wakes = new Map(tasks.map((t) => [t, [0, 0, 0, 0, 0]]));
    const unsubscribes = await Promise.all(tasks.flatMap((t) => [0, 1, 2, 3, 4].map((i) => hub.subscribe(t, () => wakes.get(t)![i]!++))));

    // Idle tasks: every poll is one query for all ten streams, and wakes each stream at most once (its first sighting).
    await expect.poll(() => queries).toBeGreaterThanOrEqual(5);
    for (const t of tasks) expect(wakes.get(t)!.every((n) => n <= 1)).toBe(true);
    const before = wakes.get(tasks[1]!)!.slice();
    await finishTask(database.db, tasks[0]!, { status: 'canceled', reason: 'poll' });
    await expect.poll(() => wakes.get(tasks[0]!)!.every((n) => n >= 1)).toBe(true);
    const polled = queries;
    await expect.poll(() => queries).toBeGreaterThanOrEqual(polled + 3);
    expect(wakes.get(tasks[1]!)).toEqual(before);
    expect(wakes.get(tasks[0]!)!.every((n) => n <= 2)).toBe(true);
    unsubscribes.forEach((u) => u());
    await finishTask(database.db, tasks[1]!, { status: 'canceled', reason: 'poll' });
  });

  it('caps the streams of one process', async () => {
    const [a, b] = await pair({ streamsPerProcess: 1 });
    const { apiKey, accountId } = await newAccount(database);
    const taskId = await idleTask(accountId, `process-${accountId}`);
    expect((await stream(a, apiKey, taskId)).status).toBe(200);
    const over = await stream(a, apiKey, taskId);
    expect(over.status).toBe(429);
    expect(JSON.parse(over.errorText!).error).toMatchObject({ code: 'TOO_MANY_STREAMS', details: { scope: 'process', limit: 1 } });
    expect((await stream(b, apiKey, taskId)).status).toBe(200);
    await finishTask(database.db, taskId, { status: 'canceled', reason: 'limits' });
  });
});

describe('item 9: failed authentication is throttled per key prefix and per client address', () => {
  /** Wrong keys that share one fresh 8-character prefix (the key prefix the audit trail records). */
  const prefix = () => `ak_${randomBytes(3).toString('hex').slice(0, 5)}`;
  const wrongKey = (p: string) => `${p}${randomBytes(12).toString('hex')}`;
  const refusedRows = async (p: string) => {
    const [row] = await database.sql`SELECT count(*)::int AS n FROM audit_events WHERE key_prefix = ${p}`;
    return row!.n as number;
  };

  it('answers 429 with Retry-After past the threshold of one key prefix, in API and console alike, with a bounded number of audit rows', async () => {
    const apis = await pair({ authFailureWindowSeconds: 60, authFailuresPerKeyPrefix: 3, authFailuresPerAddress: 100_000 });
    const p = prefix();
    const statuses: number[] = [];
    let throttled: Response | undefined;
    for (let i = 0; i < 30; i++) {
      const res = await fetch(`${apis[i % 2]!.url}/api/distillations`, { headers: auth(wrongKey(p)) });
      statuses.push(res.status);
      if (res.status === 429) throttled ??= res;
      else await res.text();
    }
    expect(statuses.slice(0, 3)).toEqual([401, 401, 401]);
    expect(statuses.slice(3).every((s) => s === 429), statuses.join(' ')).toBe(true);
    expect(Number(throttled!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(((await throttled!.json()) as any).error).toMatchObject({ code: 'AUTH_THROTTLED', details: { scope: 'keyPrefix' } });

    // The console's sign-in counts in the same bucket.
    const signIn = await consoleSignIn(apis[0], wrongKey(p));
    expect(signIn.status).toBe(429);
    expect(Number(signIn.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);

    // Three refusals, then one row for the throttled window (two if the test straddled a minute).
    expect(await refusedRows(p)).toBeLessThanOrEqual(5);

    // Another key from the same address is not affected.
    const { apiKey } = await newAccount(database);
    expect((await fetch(`${apis[1].url}/api/distillations`, { headers: auth(apiKey) })).status).toBe(200);
  });

  it('throttles one client address over many prefixes, even for a good key, and the console sign-in counts there too', async () => {
    // A short period: this suite's other files share the loopback address's bucket.
    const apis = await pair({ authFailureWindowSeconds: 10, authFailuresPerAddress: 5, authFailuresPerKeyPrefix: 1000 });
    const signIn = await consoleSignIn(apis[0], wrongKey(prefix()));
    expect([400, 429]).toContain(signIn.status);
    const statuses: number[] = [signIn.status === 400 ? 401 : 429];
    for (let i = 0; i < 12; i++) {
      const res = await fetch(`${apis[i % 2]!.url}/api/distillations`, { headers: auth(wrongKey(prefix())) });
      await res.text();
      statuses.push(res.status);
    }
    const firstThrottled = statuses.indexOf(429);
    expect(firstThrottled, statuses.join(' ')).toBeGreaterThan(-1);
    expect(firstThrottled).toBeLessThanOrEqual(5);
    expect(statuses.slice(firstThrottled).every((s) => s === 429), statuses.join(' ')).toBe(true);

    // Throttled before the key is looked at: a good key from this address waits too.
    const { apiKey } = await newAccount(database);
    const good = await fetch(`${apis[0].url}/api/distillations`, { headers: auth(apiKey) });
    expect(good.status).toBe(429);
    expect(Number(good.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(((await good.json()) as any).error).toMatchObject({ code: 'AUTH_THROTTLED', details: { scope: 'address' } });
  });
});
