import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connectTemporal, type TemporalHandles } from '../../src/temporal/connect.js';
import { captureLogger } from '../support/log-capture.js';
import { startApiServer, type JsonReply } from '../support/api-server.js';
import { newAccount, openTestDatabase } from '../support/db.js';
import { saveTestArticles } from '../support/drafts.js';
import { TEST_PAYLOAD_CODEC } from '../support/payload-codec.js';
import { REDIRECT_BYPASSES as BYPASSES } from '../support/redirect-bypasses.js';

/**
 * Hostile input over a real server (issue 15, items 10 to 13 and 15): nesting bombs, malformed
 * percent-encoding in path ids, the console's refusals, the language switch's `next` and the fairness
 * weight's range. None of them may answer 500 or log an error with a stack.
 */

const database = openTestDatabase(5);
const captured = captureLogger();
let temporal: TemporalHandles;
let api: Awaited<ReturnType<typeof startApiServer>>;
beforeAll(async () => {
  temporal = await connectTemporal(inject('temporalAddress'), 'default', TEST_PAYLOAD_CODEC);
  api = await startApiServer(database, { client: temporal.client, taskQueue: 'hostile-input-unused' }, { log: captured.log });
});
afterAll(async () => {
  await api?.close();
  await temporal?.close();
  await database.close();
});

/** Error-level lines (pino level >= 50) logged since `from`: a refusal of bad input must leave none. */
const errorsLoggedSince = (from: number) => captured.lines.slice(from).filter((line) => (JSON.parse(line) as { level: number }).level >= 50);

function expectError(r: JsonReply, status: number, code: string) {
  expect({ status: r.status, code: r.body?.error?.code }, r.text).toEqual({ status, code });
  return r.body.error as { message: string; details?: any };
}

async function postRaw(path: string, key: string, text: string) {
  const res = await fetch(`${api.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: text });
  const body = await res.text();
  return { status: res.status, text: body, body: body.startsWith('{') ? JSON.parse(body) : null } as JsonReply;
}

describe('deeply nested JSON (item 10)', () => {
  it('3,000 levels answer 400 JSON_TOO_DEEP, as does anything past 32; 32 levels are still read', async () => {
    const { apiKey } = await newAccount(database);
    const from = captured.lines.length;
    const bomb = expectError(await postRaw('/api/distillations', apiKey, `${'['.repeat(3000)}${']'.repeat(3000)}`), 400, 'JSON_TOO_DEEP');
    expect(bomb.details).toMatchObject({ maxDepth: 32 });
    // Inside a field, behind a string holding brackets and escaped quotes: the scan knows strings.
    const nested = `{"keyword":"a [{\\"[[","topics":${'['.repeat(40)}${']'.repeat(40)}}`;
    expectError(await postRaw('/api/distillations', apiKey, nested), 400, 'JSON_TOO_DEEP');
    // Brackets inside strings do not count: a keyword of 100 '[' is an ordinary keyword.
    const stringy = await postRaw('/api/distillations', apiKey, JSON.stringify({ keyword: '['.repeat(100), topics: ['{'.repeat(100)] }));
    expect(stringy.status, stringy.text).toBe(201);
    // 32 levels are allowed (the schema then refuses the shape, not the depth).
    const deepest = `{"keyword":"k","topics":${'['.repeat(31)}${']'.repeat(31)}}`;
    expectError(await postRaw('/api/distillations', apiKey, deepest), 400, 'VALIDATION_ERROR');
    expect(errorsLoggedSince(from)).toEqual([]);
  });

  it('2 MB of [[[ sent 8 at a time is refused at once, and /api/health keeps answering', async () => {
    const { apiKey } = await newAccount(database);
    const bomb = '['.repeat(2 * 1024 * 1024 - 16);
    const replies = await Promise.all(Array.from({ length: 8 }, () => postRaw('/api/distillations', apiKey, bomb)));
    for (const r of replies) expectError(r, 400, 'JSON_TOO_DEEP');
    const health = await api.call('GET', '/api/health', null);
    expect(health.status, health.text).toBe(200);
  });
});

describe('malformed percent-encoding in a path id (item 11)', () => {
  const auditRows = (accountId: number | null) =>
    accountId === null
      ? database.sql<{ method: string; route: string | null; status: number }[]>`SELECT method, route, status FROM audit_events WHERE account_id IS NULL AND key_prefix IS NULL AND route = '/api/distillations/:id' ORDER BY id`
      : database.sql<{ method: string; route: string | null; status: number }[]>`SELECT method, route, status FROM audit_events WHERE account_id = ${accountId} ORDER BY id`;

  it('unauthenticated: 401 (never 500), and the refused attempt is audited with no account', async () => {
    const from = captured.lines.length;
    const before = (await auditRows(null)).length;
    for (const path of ['/api/distillations/%ZZ', '/api/distillations/%E0%A4%A', '/api/distillations/%']) {
      expectError(await api.call('GET', path, null), 401, 'UNAUTHENTICATED');
    }
    // Refused attempts are recorded one per key prefix and address per second: at least one row.
    expect((await auditRows(null)).length).toBeGreaterThan(before);
    expect(errorsLoggedSince(from)).toEqual([]);
  });

  it('with a key: 400 INVALID_ID naming the parameter; a refused write is audited under the account', async () => {
    const account = await newAccount(database);
    const from = captured.lines.length;
    const read = expectError(await api.call('GET', '/api/distillations/%ZZ', account.apiKey), 400, 'INVALID_ID');
    expect(read.message).toContain("'id'");
    expectError(await api.call('DELETE', '/api/distillations/%ZZ', account.apiKey), 400, 'INVALID_ID');
    expectError(await api.call('PUT', '/api/distillations/%E0%A4%A/topics', account.apiKey, { topics: ['q?'] }), 400, 'INVALID_ID');
    expect(await auditRows(account.accountId)).toEqual([
      { method: 'DELETE', route: '/api/distillations/:id', status: 400 },
      { method: 'PUT', route: '/api/distillations/:id/topics', status: 400 },
    ]);
    expect(errorsLoggedSince(from)).toEqual([]);
  });

  it('the console: a path id %ZZ is a 400 page, and the refused write is audited', async () => {
    const account = await newAccount(database, { scope: 'admin' });
    const client = await new ConsoleClient('en').signIn(account.apiKey);
    const from = captured.lines.length;
    expectRefusalPage(await client.post('/keys/%ZZ/revoke', {}), 400, 'en', ['INVALID_ID']);
    expectRefusalPage(await client.request('GET', '/articles/%ZZ'), 400, 'en', ['INVALID_ID']);
    expect(await auditRows(account.accountId)).toContainEqual({ method: 'POST', route: '/keys/:id/revoke', status: 400 });
    expect(errorsLoggedSince(from)).toEqual([]);
  });
});

describe('fairnessWeight within the column range (item 15)', () => {
  it.each([5e-324, 1e-40, 1e-7, 1000.5, 1e39])('%s is a 400 naming fairnessWeight, never a database error', async (weight) => {
    const admin = await newAccount(database, { scope: 'operator' });
    const r = expectError(await api.call('PATCH', `/api/admin/accounts/${admin.accountId}`, admin.apiKey, { fairnessWeight: weight }), 400, 'VALIDATION_ERROR');
    expect(r.details.issues).toEqual([expect.objectContaining({ field: 'fairnessWeight' })]);
  });

  it('the smallest and largest accepted weights are stored as sent', async () => {
    const admin = await newAccount(database, { scope: 'operator' });
    for (const weight of [0.001, 1000]) {
      const r = await api.call('PATCH', `/api/admin/accounts/${admin.accountId}`, admin.apiKey, { fairnessWeight: weight });
      expect(r.status, r.text).toBe(200);
      expect(r.body.fairnessWeight).toBeCloseTo(weight, 6);
    }
  });
});

/** A console user over plain HTTP: a cookie jar, the page's CSRF token, a language. */
class ConsoleClient {
  private cookies = new Map<string, string>();
  csrf = '';
  constructor(private lang: 'zh' | 'en') {}

  private remember(res: Response) {
    for (const cookie of res.headers.getSetCookie()) {
      const [pair] = cookie.split(';');
      const eq = pair!.indexOf('=');
      this.cookies.set(pair!.slice(0, eq), pair!.slice(eq + 1));
    }
  }

  async request(method: string, path: string, init: { body?: string | URLSearchParams | FormData; headers?: Record<string, string> } = {}) {
    const res = await fetch(`${api.url}${path}`, {
      method,
      redirect: 'manual',
      headers: {
        'accept-language': this.lang,
        cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
        ...(method === 'POST' ? { origin: api.url } : {}),
        ...init.headers,
      },
      body: init.body,
    });
    this.remember(res);
    const text = await res.text();
    const token = /name="_csrf" value="([^"]+)"/.exec(text)?.[1];
    if (token) this.csrf = token;
    return { status: res.status, text, location: res.headers.get('location') };
  }

  post(path: string, fields: Record<string, string>, headers: Record<string, string> = {}) {
    return this.request('POST', path, { body: new URLSearchParams({ _csrf: this.csrf, ...fields }), headers });
  }

  async signIn(apiKey: string) {
    await this.request('GET', '/sign-in');
    const r = await this.post('/sign-in', { apiKey });
    expect(r.status, r.text).toBe(303);
    await this.request('GET', '/distillations');
    return this;
  }
}

const PAGE_LANG = { zh: 'lang="zh-CN"', en: 'lang="en"' } as const;

/** A refusal as a page: the status, in the reader's language, naming what it should, with nothing logged as an error. */
function expectRefusalPage(r: { status: number; text: string }, status: number, lang: 'zh' | 'en', words: string[]) {
  expect(r.status, r.text.slice(0, 2000)).toBe(status);
  expect(r.text).toContain(PAGE_LANG[lang]);
  for (const w of words) expect(r.text).toContain(w);
}

const CSRF_WORDS = { zh: '表单已过期或来自其他页面', en: 'The form expired or came from another page' };
const MALFORMED_WORDS = { zh: '无法读取', en: 'could not be read' };
const NUL_WORDS = { zh: '不能包含 NUL 字符', en: 'must not contain the NUL character' };

describe.each(['zh', 'en'] as const)('console refusals are 4xx pages in %s (item 12)', (lang) => {
  let admin: Awaited<ReturnType<typeof newAccount>>;
  let client: ConsoleClient;
  let articleId = 0;
  beforeAll(async () => {
    admin = await newAccount(database, { scope: 'operator' });
    client = await new ConsoleClient(lang).signIn(admin.apiKey);
    articleId = (await saveTestArticles(database, admin.accountId, 1))[0]!;
  });

  it("Hono's origin check (cross-origin, Origin: null, no Origin) answers a 403 page", async () => {
    const from = captured.lines.length;
    const anonymous = new ConsoleClient(lang);
    await anonymous.request('GET', '/sign-in');
    for (const origin of ['https://evil.example', 'null']) {
      expectRefusalPage(await client.post('/keys', { scope: 'read', name: 'x' }, { origin }), 403, lang, [CSRF_WORDS[lang]]);
      expectRefusalPage(await anonymous.post('/sign-in', { apiKey: 'ak_x' }, { origin }), 403, lang, [CSRF_WORDS[lang]]);
    }
    const noOrigin = await fetch(`${api.url}/sign-in`, { method: 'POST', headers: { 'accept-language': lang, 'content-type': 'application/x-www-form-urlencoded' }, body: 'apiKey=x' });
    expectRefusalPage({ status: noOrigin.status, text: await noOrigin.text() }, 403, lang, [CSRF_WORDS[lang]]);
    expect(errorsLoggedSince(from)).toEqual([]);
  });

  it('a malformed multipart or urlencoded body answers a 400 page, on /sign-in too', async () => {
    const from = captured.lines.length;
    const anonymous = new ConsoleClient(lang);
    await anonymous.request('GET', '/sign-in');
    const broken = { body: '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\nno closing boundary', headers: { 'content-type': 'multipart/form-data; boundary=x' } };
    expectRefusalPage(await anonymous.request('POST', '/sign-in', broken), 400, lang, [MALFORMED_WORDS[lang]]);
    expectRefusalPage(await client.request('POST', '/keys', broken), 400, lang, [MALFORMED_WORDS[lang]]);
    const noBoundary = { body: 'a=b', headers: { 'content-type': 'multipart/form-data' } };
    expectRefusalPage(await client.request('POST', '/distillations/import', noBoundary), 400, lang, [MALFORMED_WORDS[lang]]);
    // A bulk review's way back that the URL parser refuses goes back to the queue.
    const review = await client.post('/articles/review', { action: 'approve', 'ids[]': String(articleId), back: '//' });
    expect({ status: review.status, location: review.location }).toEqual({ status: 303, location: expect.stringMatching(/^\/articles\/queue/) });
    expect(errorsLoggedSince(from)).toEqual([]);
  });

  it('a NUL in any text field answers a 400 page naming the field', async () => {
    const from = captured.lines.length;
    const forms: [string, Record<string, string>, string][] = [
      ['/keys', { scope: 'read', name: 'key\u0000name' }, 'name'],
      ['/admin/accounts', { name: 'account\u0000name' }, 'name'],
      ['/schedules', { name: 'sched\u0000ule', when: 'custom', cron: '0 9 * * *', timezone: 'UTC', articleCount: '1' }, 'name'],
      ['/schedules', { name: 'schedule', when: 'custom', cron: '0 9 * * *\u0000', timezone: 'UTC', articleCount: '1' }, 'cron'],
      [`/articles/${articleId}/edit`, { title: 'ti\u0000tle', content: 'content' }, 'title'],
      [`/articles/${articleId}/edit`, { title: 'title', content: 'con\u0000tent' }, 'content'],
      [`/articles/${articleId}/reject`, { reason: 're\u0000ason' }, 'reason'],
    ];
    for (const [path, fields, field] of forms) {
      expectRefusalPage(await client.post(path, fields), 400, lang, [NUL_WORDS[lang], `“${field}”`]);
    }
    const anonymous = new ConsoleClient(lang);
    await anonymous.request('GET', '/sign-in');
    expectRefusalPage(await anonymous.post('/sign-in', { apiKey: 'ak_\u0000' }), 400, lang, [NUL_WORDS[lang], '“apiKey”']);
    // A NUL inside an uploaded import file: a 4xx page (the file's own check, or the database's refusal), never a 500.
    const upload = new FormData();
    upload.set('_csrf', client.csrf);
    upload.set('file', new Blob(['keyword,topics\r\nk\u0000w,topic\r\n'], { type: 'text/csv' }), 'nul.csv');
    const imported = await client.request('POST', '/distillations/import', { body: upload });
    expect(imported.status, imported.text.slice(0, 2000)).toBeGreaterThanOrEqual(400);
    expect(imported.status).toBeLessThan(500);
    // A nesting bomb as an uploaded JSON file is refused by the same scan before it is parsed.
    const bomb = new FormData();
    bomb.set('_csrf', client.csrf);
    bomb.set('file', new Blob([`${'['.repeat(3000)}${']'.repeat(3000)}`], { type: 'application/json' }), 'bomb.json');
    expectRefusalPage(await client.request('POST', '/distillations/import', { body: bomb }), 400, lang, ['32']);
    // A query parameter too: a NUL in a search never reaches PostgreSQL.
    expectRefusalPage(await client.request('GET', '/articles?q=a%00b'), 400, lang, [NUL_WORDS[lang], '“q”']);
    expect(errorsLoggedSince(from)).toEqual([]);
  });
});

describe('the language switch redirects only to same-origin paths (item 13)', () => {
  it.each(BYPASSES)('next=%j answers a Location that is a path of this origin', async (next) => {
    const from = captured.lines.length;
    // The raw value goes into the query as it is (the %-sequences are the attack); other characters encoded.
    const query = next.replace(/[^%A-Za-z0-9\-._~/:]/g, (ch) => encodeURIComponent(ch));
    const res = await fetch(`${api.url}/lang/en?next=${query}`, { redirect: 'manual' });
    expect(res.status).toBe(303);
    const location = res.headers.get('location')!;
    const resolved = new URL(location, api.url);
    expect(resolved.origin).toBe(api.url);
    expect(location).toMatch(/^\/(?![/\\])/);
    expect(location).not.toMatch(/[\u0000-\u0020\u007f]/);
    expect(errorsLoggedSince(from)).toEqual([]);
  });

  it('an ordinary local path (with its query) is kept', async () => {
    const res = await fetch(`${api.url}/lang/zh?next=${encodeURIComponent('/articles?page=2')}`, { redirect: 'manual' });
    expect(res.headers.get('location')).toBe('/articles?page=2');
  });
});
