import { count, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { articleRevisions } from '../../src/db/schema.js';
import { createWebSession } from '../../src/domain/accounts/index.js';
import { runArticleTask } from '../support/article-tasks.js';
import { newAccount } from '../support/db.js';
import { useTestStack } from '../support/stack.js';

/**
 * The article pages' forms over real HTTP without a browser: what a refused form shows, that a textarea's
 * CRLF is no edit, that a redirect never leaves the console, and that every refusal is a page with its status.
 */

const stack = useTestStack();
let key: string;
let cookie: string;
let csrf: string;
let ids: number[];

async function get(path: string, lang = 'en') {
  const res = await fetch(`${stack.api.url}${path}`, { headers: { cookie, 'accept-language': lang }, redirect: 'manual' });
  return { status: res.status, location: res.headers.get('location'), html: await res.text() };
}

async function post(path: string, fields: Record<string, string | string[]>) {
  const body = new URLSearchParams({ _csrf: csrf });
  for (const [k, v] of Object.entries(fields)) for (const one of [v].flat()) body.append(k, one);
  const res = await fetch(`${stack.api.url}${path}`, { method: 'POST', body, headers: { cookie, origin: stack.api.url, 'accept-language': 'en' }, redirect: 'manual' });
  return { status: res.status, location: res.headers.get('location'), html: await res.text() };
}

const article = async (id: number) => (await stack.api.call('GET', `/api/articles/${id}`, key)).body;
const revisions = async (id: number) => (await stack.database.db.select({ n: count() }).from(articleRevisions).where(eq(articleRevisions.articleId, id)))[0]!.n;

beforeAll(async () => {
  const account = await newAccount(stack.database);
  key = account.apiKey;
  ({ articleIds: ids } = await runArticleTask(stack.api.url, key, ['forms 1', 'forms 2', 'forms 3']));
  const session = await createWebSession(stack.database.db, key);
  if (!session.ok) throw new Error('no session');
  cookie = `artgen_session=${session.id}`;
  csrf = /name="_csrf" value="([^"]+)"/.exec((await get('/articles')).html)![1]!;
});

describe('article forms', () => {
  it("shows an article's https images in the reader (and only there), sending no referrer", async () => {
    const edited = await stack.api.call('PATCH', `/api/articles/${ids[2]}`, key, { content: '![cover](https://images.example/cover.png)\n\nText.' });
    expect(edited.status, edited.text).toBe(200);
    const page = (path: string) => fetch(`${stack.api.url}${path}`, { headers: { cookie, 'accept-language': 'en' } });
    const reader = await page(`/articles/${ids[2]}`);
    expect(await reader.text()).toContain('<img src="https://images.example/cover.png" alt="cover">');
    expect(reader.headers.get('content-security-policy')).toContain("img-src 'self' data: https:;");
    expect(reader.headers.get('referrer-policy')).toBe('no-referrer');
    const list = await page('/articles');
    expect(list.headers.get('content-security-policy')).toContain("img-src 'self' data:;");
  });

  it('saves a textarea sent back unchanged (CRLF line breaks) as no edit, and a real edit as one revision', async () => {
    const a = await article(ids[0]!);
    const same = await post(`/articles/${ids[0]}/edit`, { title: a.title, content: a.content.replace(/\n/g, '\r\n') });
    expect([same.status, same.location]).toEqual([303, `/articles/${ids[0]}?done=unchanged`]);
    expect(await revisions(ids[0]!)).toBe(0);
    const edited = await post(`/articles/${ids[0]}/edit`, { title: 'New title', content: 'line one\r\nline two' });
    expect(edited.location).toBe(`/articles/${ids[0]}?done=edited`);
    expect(await article(ids[0]!)).toMatchObject({ title: 'New title', content: 'line one\nline two' });
    expect(await revisions(ids[0]!)).toBe(1);
  });

  it('shows a refused edit or rejection beside its form with a 400, keeping what was typed', async () => {
    const edit = await post(`/articles/${ids[1]}/edit`, { title: '   ', content: 'kept text' });
    expect(edit.status).toBe(400);
    expect(edit.html).toContain('title must not be empty');
    expect(edit.html).toContain('kept text</textarea>');
    const reject = await post(`/articles/${ids[1]}/reject`, { reason: '  ' });
    expect(reject.status).toBe(400);
    expect(reject.html).toContain('id="reject-error">reason must not be empty');
    expect((await article(ids[1]!)).reviewStatus).toBe('pending_review');
  });

  it('refuses a bulk review without ids, a rejection without a reason, and ids of another account; nothing changes', async () => {
    const none = await post('/articles/review', { action: 'approve', back: '/articles/queue' });
    expect([none.status, none.html.includes('ids must not be empty')]).toEqual([400, true]);
    const noReason = await post('/articles/review', { action: 'reject', 'ids[]': [String(ids[1])], back: '/articles/queue' });
    expect([noReason.status, noReason.html.includes('reason is required')]).toEqual([400, true]);
    const other = await runArticleTask(stack.api.url, (await newAccount(stack.database)).apiKey, ['someone else']);
    const foreign = await post('/articles/review', { action: 'approve', 'ids[]': [String(ids[1]), String(other.articleIds[0])] });
    expect(foreign.status).toBe(404);
    expect((await article(ids[1]!)).reviewStatus).toBe('pending_review');
  });

  it('comes back to the list it was sent from, never to another site', async () => {
    const ok = await post('/articles/review', { action: 'approve', 'ids[]': [String(ids[1]), String(ids[2])], back: '/articles?keyword=forms+2&page=1&done=reject' });
    expect(ok.location).toBe('/articles?keyword=forms+2&page=1&done=approve&changed=2&unchanged=0&skipped=0');
    expect((await get(ok.location!)).html).toContain('Approve: 2 changed, 0 already so, 0 skipped.');
    for (const back of ['https://evil.example/articles', '//evil.example/articles', '/tasks']) {
      const r = await post('/articles/review', { action: 'approve', 'ids[]': [String(ids[1])], back });
      expect(r.location).toBe('/articles/queue?done=approve&changed=0&unchanged=1&skipped=0');
    }
  });

  it('filters by created days (UTC), the last day included', async () => {
    const day = (await article(ids[2]!)).createdAt.slice(0, 10) as string;
    const before = new Date(Date.parse(`${day}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
    const rows = async (query: string) => [...(await get(`/articles?${query}`)).html.matchAll(/data-article-row="(\d+)"/g)].map((m) => Number(m[1]));
    expect(await rows(`createdFrom=${day}&createdTo=${day}&keyword=forms+3`)).toEqual([ids[2]]);
    expect(await rows(`createdTo=${before}&keyword=forms+3`)).toEqual([]);
  });

  it('answers an illegal transition, a bad id, a bad filter and a bad export with pages and their statuses', async () => {
    await post(`/articles/${ids[0]}/reject`, { reason: 'no' });
    const illegal = await post(`/articles/${ids[0]}/approve`, {});
    expect([illegal.status, illegal.html.includes(`Article ${ids[0]} is rejected`)]).toEqual([409, true]);
    expect((await get('/articles/abc')).status).toBe(400);
    expect((await get('/articles/999999')).status).toBe(404);
    const filter = await get('/articles?q=%21%21&createdTo=31-01-2025');
    expect(filter.status).toBe(400);
    expect(filter.html).toContain('createdTo must be a date such as 2025-01-31');
    expect((await get('/articles?q=%21%21')).html).toContain('the search text needs at least one letter or digit');
    expect((await get('/articles/export?format=pdf')).status).toBe(400);
    expect((await get('/articles/export?taskId=x&format=md')).status).toBe(400);
    expect((await get(`/articles/${ids[0]}/export?format=zip`)).status).toBe(400);
  });

  it('speaks Chinese by default and sends a visitor without a session to sign in', async () => {
    expect((await get('/articles/queue', 'zh-CN')).html).toContain('<h1>待审核队列</h1>');
    const anonymous = await fetch(`${stack.api.url}/articles`, { redirect: 'manual' });
    expect([anonymous.status, anonymous.headers.get('location')]).toEqual([303, '/sign-in']);
  });
});
