import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { createApiKey } from '../../src/domain/accounts/index.js';
import { runArticleTask } from '../support/article-tasks.js';
import { launchBrowser, newPage, screenshot, submit, textOf } from '../support/browser.js';
import { newAccount } from '../support/db.js';
import { keywordOf } from '../support/llm-stub.js';
import { useTestStack } from '../support/stack.js';

/**
 * The article pages in a real Chromium over the real stack: a task with autoApprove false leaves five
 * articles for review; the review queue, the sanitized reader, approve, reject, edit with revisions,
 * export parsed back, bulk approve, soft delete, and a read key that sees no buttons and is refused.
 */

const stack = useTestStack();
const KEYWORDS = ['Alpha', 'Beta', 'Gamma', 'Delta', 'Epsilon'];
/** Markdown with the constructs the reader renders, and raw HTML and a javascript: link it must not. */
const GAMMA = [
  '# Gamma in depth',
  '',
  'Gamma explained with **bold words** and a [safe link](https://example.com/gamma) and a [bad link](javascript:alert(1)).',
  '',
  '<script>window.pwned = 1</script>',
  '',
  '## What is Gamma?',
  '',
  '- first point about Gamma',
  '- second point about Gamma',
].join('\n');

let browser: Browser;
let page: Page;
let account: Awaited<ReturnType<typeof newAccount>>;
let taskId: number;
/** Article id by keyword. */
const ids: Record<string, number> = {};

const url = (p: string) => `${stack.api.url}${p}`;
const go = (p: string, on: Page = page) => on.goto(url(p), { waitUntil: 'domcontentloaded' });
const api = (method: string, p: string, body?: unknown) => stack.api.call(method, p, account.apiKey, body);
const reviewStatus = async (id: number) => (await api('GET', `/api/articles/${id}`)).body.reviewStatus as string;
const rowIds = (on: Page = page) => on.$$eval('#articles tbody tr[data-article-row]', (trs) => trs.map((tr) => Number(tr.getAttribute('data-article-row'))));

async function signIn(p: Page, key: string) {
  await go('/sign-in', p);
  await p.type('#api-key', key);
  await submit(p, 'form[action="/sign-in"] button');
}

beforeAll(async () => {
  account = await newAccount(stack.database);
  // Delta keeps writing a banned word: after its three attempts it is saved flagged.
  expect((await api('PUT', '/api/quality-settings', { bannedWords: ['forbidden'] })).status).toBe(200);
  stack.stub.setBehavior((req) => {
    const kw = keywordOf(req);
    if (kw === 'Gamma') return { content: GAMMA };
    if (kw === 'Delta') return { content: `# Delta\n\nDelta is a forbidden topic, said every draft of this article, again and again, until the gate gave up.` };
    return {};
  });
  ({ taskId } = await runArticleTask(stack.api.url, account.apiKey, KEYWORDS, { autoApprove: false }));
  const listed = await api('GET', `/api/articles?taskId=${taskId}`);
  for (const a of listed.body.articles as { id: number; keyword: string }[]) ids[a.keyword] = a.id;
  browser = await launchBrowser();
  page = await newPage(browser);
  await browser.defaultBrowserContext().overridePermissions(stack.api.url, ['clipboard-read', 'clipboard-write', 'clipboard-sanitized-write']);
  await signIn(page, account.apiKey);
});
afterAll(async () => {
  await browser?.close();
});

describe('article pages in a real Chromium', () => {
  it('lists the review queue oldest first with the flagged article marked, and links each saved article from its task', async () => {
    await go('/articles/queue');
    const queued = await rowIds();
    expect(queued).toEqual(Object.values(ids).sort((a, b) => a - b));
    expect(await page.$eval(`tr[data-article-row="${ids.Delta}"] .tag`, (e: any) => e.textContent)).toContain('Banned word');
    expect(await page.$$eval('tr[data-flagged="true"]', (trs) => trs.map((tr) => Number(tr.getAttribute('data-article-row'))))).toEqual([ids.Delta]);
    await screenshot(page, 'review-queue');

    await go(`/tasks/${taskId}`);
    await submit(page, `a[href="/articles/${ids.Gamma}"]`);
    expect(new URL(page.url()).pathname).toBe(`/articles/${ids.Gamma}`);
  });

  it('renders the Markdown sanitized: a <script> in the content is text, a javascript: link stays text', async () => {
    await go(`/articles/${ids.Gamma}`);
    expect(await textOf(page, 'h1')).toBe('Gamma in depth');
    expect(await page.$eval('#article-body h2', (e: any) => e.textContent)).toBe('What is Gamma?');
    expect(await page.$eval('#article-body strong', (e: any) => e.textContent)).toBe('bold words');
    expect(await page.$$eval('#article-body li', (lis) => lis.length)).toBe(2);
    expect(await page.$$eval('#article-body a', (as) => as.map((a) => a.getAttribute('href')))).toEqual(['https://example.com/gamma']);
    expect(await page.$('#article-body script')).toBeNull();
    expect(await textOf(page, '#article-body')).toContain('<script>window.pwned = 1</script>');
    expect(await textOf(page, '#article-body')).toContain('[bad link](javascript:alert(1))');
    expect(await page.evaluate('window.pwned')).toBeUndefined();

    await page.click('button[data-copy]');
    await page.waitForFunction(`document.getElementById('article-source-copied').textContent !== ''`);
    expect(await textOf(page, '#article-source-copied')).toBe('Copied to the clipboard.');
    expect(await page.evaluate('navigator.clipboard.readText()')).toBe(GAMMA.split('\n').slice(2).join('\n'));
    await screenshot(page, 'article');

    await page.setViewport({ width: 375, height: 800 });
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(375);
    await screenshot(page, 'article-375px');
    await page.setViewport({ width: 1200, height: 900 });
  });

  it('shows the quality flags with their reasons, and the near-duplicate the gate found', async () => {
    await go(`/articles/${ids.Delta}`);
    expect(await page.$$eval('#quality-flags li', (lis) => lis.map((li) => li.textContent))).toEqual([expect.stringMatching(/^Banned word: the article contains the banned word “forbidden”\.$/)]);
    // A later article (auto-approved, so the queue stays as it is) with Epsilon's words is its near duplicate.
    const epsilon = (await api('GET', `/api/articles/${ids.Epsilon}`)).body;
    stack.stub.setBehavior(() => ({ content: `# ${epsilon.title}\n\n${epsilon.content}` }));
    const later = await runArticleTask(stack.api.url, account.apiKey, ['Zeta'], { autoApprove: true });
    await go(`/articles/${later.articleIds[0]}`);
    expect(await page.$eval('#nearest a', (a: any) => a.getAttribute('href'))).toBe(`/articles/${ids.Epsilon}`);
    expect(await textOf(page, '#nearest')).toBe(`#${ids.Epsilon} similarity 1 (0 of 64 bits apart)`);
  });

  it('approves one and rejects one with a reason; only allowed transitions have buttons', async () => {
    await go(`/articles/${ids.Alpha}`);
    expect(await page.$(`form[action="/articles/${ids.Alpha}/reopen"]`)).toBeNull();
    await submit(page, `form[action="/articles/${ids.Alpha}/approve"] button`);
    expect(await textOf(page, '.notice')).toBe('Approved.');
    expect(await page.$eval('#review-status', (e: any) => e.getAttribute('data-review-status'))).toBe('approved');
    expect(await page.$(`form[action="/articles/${ids.Alpha}/approve"]`)).toBeNull();
    expect(await page.$(`form[action="/articles/${ids.Alpha}/reject"]`)).toBeNull();
    expect(await page.$(`form[action="/articles/${ids.Alpha}/reopen"]`)).not.toBeNull();
    expect(await reviewStatus(ids.Alpha!)).toBe('approved');

    await go(`/articles/${ids.Beta}`);
    await page.type('#reject-reason', 'Too short on examples');
    await submit(page, '#reject-form button');
    expect(await textOf(page, '#reject-reason-shown')).toContain('Too short on examples');
    expect(await api('GET', `/api/articles/${ids.Beta}`)).toMatchObject({ body: { reviewStatus: 'rejected', rejectReason: 'Too short on examples' } });
  });

  it('edits an article through a form; the old text is listed as a revision', async () => {
    await go(`/articles/${ids.Gamma}`);
    await submit(page, '#edit-link');
    expect(await page.$eval('#edit-content', (e: any) => e.value)).toBe(GAMMA.split('\n').slice(2).join('\n'));
    await screenshot(page, 'article-edit');
    await page.$eval('#edit-title', (e: any) => void (e.value = ''));
    await page.type('#edit-title', 'Gamma, revised');
    await page.$eval('#edit-content', (e: any) => void (e.value = `${e.value}\n\n## Added section\n\nNew words.`));
    await submit(page, '#edit-form button');
    expect(await textOf(page, '.notice')).toBe('Saved; the previous text is kept as a revision.');
    expect(await textOf(page, 'h1')).toBe('Gamma, revised');
    expect(await page.$$eval('#article-body h2', (hs) => hs.map((h) => h.textContent))).toEqual(['What is Gamma?', 'Added section']);
    expect(await page.$$eval('#revisions .previous-title', (ps) => ps.map((p) => p.textContent))).toEqual(['Gamma in depth']);
    const stored = (await api('GET', `/api/articles/${ids.Gamma}`)).body.content as string;
    expect(stored.includes('\r')).toBe(false);
  });

  it('exports this article and the current filter through the page links, parsed back', async () => {
    await go(`/articles/${ids.Gamma}`);
    const fetchText = (href: string) => page.evaluate(async (h) => (await fetch(h)).text(), href);
    const href = (sel: string) => page.$eval(sel, (a: any) => a.getAttribute('href') as string);
    const md = await fetchText(await href('#article-exports a[data-format="md"]'));
    expect(parseYaml(/^---\n([\s\S]*?)\n---\n/.exec(md)![1]!)).toMatchObject({ id: ids.Gamma, title: 'Gamma, revised', keyword: 'Gamma', reviewStatus: 'pending_review' });
    expect(md).toContain('## Added section');
    expect(JSON.parse(await fetchText(await href('#article-exports a[data-format="json"]')))).toMatchObject({ id: ids.Gamma, title: 'Gamma, revised' });
    expect(await fetchText(await href('#article-exports a[data-format="html"]'))).toContain('&lt;script&gt;window.pwned = 1&lt;/script&gt;');

    await go('/articles?reviewStatus=pending_review');
    await screenshot(page, 'articles');
    const lines = (await fetchText(await href('#export-links a[data-format="json"]'))).trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((a) => a.id)).toEqual([ids.Gamma, ids.Delta, ids.Epsilon].sort((a, b) => a! - b!));
    const cookie = (await page.cookies()).find((c) => c.name === 'artgen_session')!;
    const zip = await fetch(url(await href('#export-links a[data-format="zip"]')), { headers: { cookie: `artgen_session=${cookie.value}` } });
    expect(zip.headers.get('content-type')).toBe('application/zip');
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'console-zip-')), 'articles.zip');
    writeFileSync(file, Buffer.from(await zip.arrayBuffer()));
    const names = execFileSync('unzip', ['-Z1', file], { encoding: 'utf8' }).trim().split('\n');
    expect(names.map((n) => Number(n.slice(0, 6)))).toEqual(lines.map((a) => a.id));
  });

  it('filters by full text and keyword, and bulk approves the rest of the queue', async () => {
    await go('/articles?q=revised');
    expect(await rowIds()).toEqual([ids.Gamma]);
    await go('/articles?keyword=Beta');
    expect(await rowIds()).toEqual([ids.Beta]);
    await go('/articles?createdFrom=2025-02-30');
    expect(await textOf(page, '#filter-error')).toContain('createdFrom must be a date');

    await go('/articles/queue');
    expect(await rowIds()).toEqual([ids.Gamma, ids.Delta, ids.Epsilon].sort((a, b) => a! - b!));
    await page.click('input[data-pick-all]');
    await submit(page, '#bulk-review button[value="approve"]');
    expect(new URL(page.url()).pathname).toBe('/articles/queue');
    expect(await textOf(page, '.notice')).toBe('Approve: 3 changed, 0 already so, 0 skipped.');
    expect(await rowIds()).toEqual([]);
    for (const kw of ['Gamma', 'Delta', 'Epsilon']) expect(await reviewStatus(ids[kw]!)).toBe('approved');
  });

  it('soft-deletes after a confirmation step', async () => {
    await go(`/articles/${ids.Epsilon}`);
    await submit(page, '#delete-link');
    expect(await api('GET', `/api/articles/${ids.Epsilon}`)).toMatchObject({ status: 200 });
    await submit(page, '#delete-form button');
    expect(await textOf(page, '.notice')).toBe(`Article ${ids.Epsilon} was deleted.`);
    expect(await rowIds()).not.toContain(ids.Epsilon);
    expect((await api('GET', `/api/articles/${ids.Epsilon}`)).status).toBe(404);
  });

  it('shows a read key every page without a button and refuses its forged POSTs', async () => {
    const readKey = await createApiKey(stack.database.db, account.accountId, { scope: 'read' });
    const context = await browser.createBrowserContext();
    const reader = await newPage(context);
    try {
      await signIn(reader, readKey.apiKey);
      for (const p of ['/articles', '/articles/queue', `/articles/${ids.Alpha}`, `/articles/${ids.Beta}`]) {
        await go(p, reader);
        const forms = await reader.$$eval('main form[method="post"], main input[type="checkbox"], #edit-link, #delete-link', (es) => es.length);
        expect(forms, p).toBe(0);
      }
      expect(await rowIds(await go('/articles', reader).then(() => reader))).toContain(ids.Alpha);
      const token = await reader.$eval('input[name="_csrf"]', (e: any) => e.value);
      const statuses = await reader.evaluate(
        async (csrf, alpha) => {
          const post = async (p: string, fields: Record<string, string>) => (await fetch(p, { method: 'POST', body: new URLSearchParams({ _csrf: csrf, ...fields }) })).status;
          return [await post(`/articles/${alpha}/reopen`, {}), await post('/articles/review', { action: 'reject', reason: 'x', 'ids[]': String(alpha) }), await post(`/articles/${alpha}/delete`, {})];
        },
        token,
        ids.Alpha,
      );
      expect(statuses).toEqual([403, 403, 403]);
      expect(await reviewStatus(ids.Alpha!)).toBe('approved');
      await go(`/articles/${ids.Alpha}/edit`, reader);
      expect(await textOf(reader, 'h1')).toBe('Not allowed');
    } finally {
      await context.close();
    }
  });
});
