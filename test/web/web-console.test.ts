import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { and, count, eq, isNull } from 'drizzle-orm';
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { articleRevisions, articles, distillations, webSessions } from '../../src/db/schema.js';
import { createApiKey, revokeApiKey } from '../../src/domain/accounts/index.js';
import { waitFor } from '../support/api-server.js';
import { clearInput, follow, launchBrowser, newPage, screenshot, submit, tabTo, textOf, waitForText } from '../support/browser.js';
import { newAccount } from '../support/db.js';
import { useTestStack } from '../support/stack.js';

const stack = useTestStack();

let browser: Browser;
let page: Page;
let account: Awaited<ReturnType<typeof newAccount>>;
/** The task of 5 and two of its articles, carried from step to step of the flow. */
let taskId: number;
let approvedId: number;
let editedId: number;
const files = mkdtempSync(path.join(tmpdir(), 'console-csv-'));

const shot = (name: string, p: Page = page) => screenshot(p, name);

const liveDistillations = async () =>
  (await stack.database.db.select({ n: count() }).from(distillations).where(and(eq(distillations.accountId, account.accountId), isNull(distillations.deletedAt))))[0]!.n;

async function signIn(p: Page, key: string) {
  await p.goto(`${stack.api.url}/`, { waitUntil: 'domcontentloaded' });
  expect(new URL(p.url()).pathname).toBe('/sign-in');
  await p.type('#api-key', key);
  await submit(p, 'form[action="/sign-in"] button');
}

async function uploadCsv(name: string, text: string) {
  const file = path.join(files, name);
  writeFileSync(file, text);
  const input = await page.$('#import-file');
  await input!.uploadFile(file);
  await submit(page, 'form[action="/distillations/import"] button');
}

/** Fills the new-task form that is open and sends it; the task page it leads to gives the id. */
async function sendNewTask(n: number, concurrency: number, autoApprove = true) {
  await clearInput(page, '#article-count');
  await page.type('#article-count', String(n));
  await clearInput(page, '#concurrency');
  await page.type('#concurrency', String(concurrency));
  // Space on the focused box, not a click: console.js may move the form as it answers the count (a click could miss).
  const box = 'input[name="autoApprove"]';
  if ((await page.$eval(box, (e: any) => e.checked)) !== autoApprove) {
    await page.focus(box);
    await page.keyboard.press('Space');
  }
  expect(await page.$eval(box, (e: any) => e.checked)).toBe(autoApprove);
  await submit(page, '#new-task button');
  return Number(/^\/tasks\/(\d+)$/.exec(new URL(page.url()).pathname)?.[1]);
}

async function createTask(n: number, concurrency: number) {
  await page.goto(`${stack.api.url}/tasks/new`, { waitUntil: 'domcontentloaded' });
  return sendNewTask(n, concurrency);
}

const articleRow = async (id: number) => (await stack.database.db.select().from(articles).where(eq(articles.id, id)))[0]!;
const articleIdOfPage = () => Number(/^\/articles\/(\d+)$/.exec(new URL(page.url()).pathname)?.[1]);

/** A marker on the window: still there later means the page was never reloaded. */
const markWindow = () => page.evaluate('window.marker = 42');
const stillSameWindow = () => page.evaluate('window.marker === 42');

beforeAll(async () => {
  browser = await launchBrowser();
  page = await newPage(browser);
  account = await newAccount(stack.database);
});
afterAll(async () => {
  await browser?.close();
});

/** Issue 11's flow, as a content editor walks it, in one browser session and in this order. */
describe('web console in a real Chromium', () => {
  it('refuses an unknown key and signs in with a good one (HttpOnly, SameSite=Strict cookie)', async () => {
    await signIn(page, 'ak_not_a_key');
    expect(await textOf(page, '.error')).toContain('unknown');
    await shot('sign-in');
    await signIn(page, account.apiKey);
    expect(new URL(page.url()).pathname).toBe('/distillations');
    const cookie = (await page.cookies()).find((c) => c.name === 'artgen_session')!;
    expect(cookie.httpOnly).toBe(true);
    expect(cookie.sameSite).toBe('Strict');
    expect(cookie.secure).toBe(false);
  });

  it('shows every bad line of a CSV and writes nothing, then imports the fixed file', async () => {
    const good = ['keyword,topics', 'GEO basics,What is GEO?|Why GEO?', 'AI search,How do assistants cite?', '内容营销,内容营销怎么做？'];
    const rows = ['Local SEO,Maps?', 'Brand voice,Tone?|Style?', 'Link building,Backlinks?'];
    await uploadCsv('bad.csv', [...good, 'No topics here,', ...rows].join('\n'));
    expect(await textOf(page, '.import-errors')).toContain('no topics');
    expect(await page.$$eval('.bad-line', (trs) => trs.map((tr) => tr.querySelector('td')!.textContent))).toEqual(['5']);
    expect(await liveDistillations()).toBe(0);
    await shot('distillations-import-errors');

    await uploadCsv('good.csv', [...good, ...rows].join('\n'));
    expect(await textOf(page, '.notice')).toContain('Imported 6 distillations');
    expect(await liveDistillations()).toBe(6);
    expect(await textOf(page, '#selectable')).toContain('6 distillations can be used');
    expect(await page.$$eval('#distillations tbody tr', (trs) => trs.length)).toBe(6);
    await shot('distillations');
    await page.setViewport({ width: 375, height: 800 });
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(375);
    await shot('distillations-375px');
    await page.setViewport({ width: 1200, height: 900 });

    await page.type('#q', 'seo');
    await submit(page, 'form[role="search"] button');
    expect(await page.$$eval('#distillations tbody tr td:nth-child(2)', (tds) => tds.map((td) => td.textContent))).toEqual(['Local SEO']);
  });

  it('reaches the new-task form by keyboard, refuses more articles than are available inline, then a task of 5 reaches 100 % live', async () => {
    // Keyboard: Tab to the navigation's link, Enter follows it, and the focus is visible on the way.
    await tabTo(page, 'nav.main-nav a[href="/tasks/new"]');
    expect(await page.evaluate("document.activeElement.matches(':focus-visible')")).toBe(true);
    await Promise.all([page.waitForNavigation({ waitUntil: 'domcontentloaded' }), page.keyboard.press('Enter')]);
    expect(new URL(page.url()).pathname).toBe('/tasks/new');
    expect(await textOf(page, '#available')).toBe('6 available');
    await shot('new-task');
    await clearInput(page, '#article-count');
    await page.type('#article-count', '9');
    // console.js asks the server as the count is typed.
    await page.waitForSelector('#count-error:not([hidden])');
    await submit(page, '#new-task button');
    expect(await textOf(page, '#count-error')).toContain('only 6 available, but 9 articles were requested');
    expect(await page.$eval('#article-count', (e: any) => e.value)).toBe('9');
    await shot('new-task-insufficient');

    stack.stub.setLatency(700);
    taskId = await sendNewTask(5, 1, false);
    expect(taskId).toBeGreaterThan(0);
    await markWindow();
    await shot('task-running');
    await waitForText(page, '#task-status', 'completed');
    expect(await stillSameWindow()).toBe(true);
    expect(await page.$eval('#main progress', (e: any) => e.value)).toBe(100);
    expect(await page.$$eval('#items tbody tr[data-item-state="saved"]', (trs) => trs.length)).toBe(5);
    expect(await page.$$eval('#selected-distillations li', (lis) => lis.length)).toBe(5);
    await shot('task-detail');
    await page.setViewport({ width: 375, height: 800 });
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(375);
    await shot('task-detail-375px');
    await page.setViewport({ width: 1200, height: 900 });
  });

  it('opens an article from the task page and approves it (the task did not auto-approve)', async () => {
    await follow(page, '#items tbody tr:nth-child(1) .article-title a');
    approvedId = articleIdOfPage();
    expect(await page.$eval('#review-status', (e) => e.getAttribute('data-review-status'))).toBe('pending_review');
    expect(await page.$eval('#article-body', (e: any) => (e.innerText as string).length)).toBeGreaterThan(0);
    await submit(page, `form[action="/articles/${approvedId}/approve"] button`);
    expect(await textOf(page, '.notice')).toBe('Approved.');
    expect(await page.$eval('#review-status', (e) => e.getAttribute('data-review-status'))).toBe('approved');
    expect((await articleRow(approvedId)).reviewStatus).toBe('approved');
    expect(await page.$(`form[action="/articles/${approvedId}/approve"]`)).toBeNull();
  });

  it('goes back to the task, edits another article (title and content) and lists the revision', async () => {
    await follow(page, '#article-task');
    expect(new URL(page.url()).pathname).toBe(`/tasks/${taskId}`);
    await follow(page, '#items tbody tr:nth-child(2) .article-title a');
    editedId = articleIdOfPage();
    const before = await articleRow(editedId);
    await follow(page, '#edit-link');
    expect(await page.$eval('#edit-title', (e: any) => e.value)).toBe(before.title);
    await clearInput(page, '#edit-title');
    await page.type('#edit-title', 'Edited by the editor');
    await page.click('#edit-content');
    await page.keyboard.down('Control');
    await page.keyboard.press('End');
    await page.keyboard.up('Control');
    await page.keyboard.type('\n\nOne more paragraph from the editor.');
    await submit(page, '#edit-form button');
    expect(await textOf(page, '.notice')).toContain('Saved; the previous text is kept as a revision.');
    expect(await textOf(page, 'h1')).toBe('Edited by the editor');
    expect(await page.$$eval('#revisions li .previous-title', (els) => els.map((e) => e.textContent))).toEqual([before.title]);
    const after = await articleRow(editedId);
    expect(after.title).toBe('Edited by the editor');
    expect(after.content).toBe(`${before.content}\n\nOne more paragraph from the editor.`);
    expect((await stack.database.db.select({ n: count() }).from(articleRevisions).where(eq(articleRevisions.articleId, editedId)))[0]!.n).toBe(1);
    await shot('article-edited');
  });

  it("exports the task's articles from the task page's export link and reads the file back", async () => {
    await follow(page, '#article-task');
    const href = await page.$eval('#task-articles a[data-format="json"]', (a) => a.getAttribute('href')!);
    expect(href).toBe(`/articles/export?taskId=${taskId}&format=json`);
    const file = await page.evaluate(async (url) => {
      const res = await fetch(url);
      return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
    }, href);
    expect(file.status).toBe(200);
    expect(file.type).toContain('ndjson');
    const rows = file.text.trim().split('\n').map((line) => JSON.parse(line) as { id: number; taskId: number; title: string; reviewStatus: string; content: string });
    expect(rows.map((r) => r.taskId)).toEqual([taskId, taskId, taskId, taskId, taskId]);
    expect(new Set(rows.map((r) => r.id)).size).toBe(5);
    expect(rows.find((r) => r.id === approvedId)?.reviewStatus).toBe('approved');
    expect(rows.find((r) => r.id === editedId)).toMatchObject({ title: 'Edited by the editor', reviewStatus: 'pending_review' });
    expect(rows.find((r) => r.id === editedId)?.content).toContain('One more paragraph from the editor.');
    // The list of the task's articles is one click away, with its own export links for the same filter.
    await follow(page, '#task-articles-link');
    expect(await page.$$eval('#articles tbody tr[data-article-row]', (trs) => trs.length)).toBe(5);
    expect(await page.$eval('#export-links a[data-format="json"]', (a) => a.getAttribute('href'))).toBe(`/articles/export?taskId=${taskId}&format=json`);
  });

  it('updates the task list live over one stream and cancels a running task', async () => {
    // The slow task's request is in the stub before the other task's requests arrive.
    stack.stub.setLatency(60_000);
    const slow = await createTask(1, 1);
    await waitFor('the slow request', async () => (stack.stub.inFlight > 0 ? true : undefined));
    stack.stub.setLatency(700);
    const listed = await createTask(1, 1);
    await page.goto(`${stack.api.url}/tasks`, { waitUntil: 'domcontentloaded' });
    await markWindow();
    await waitForText(page, `tr[data-task-row="${listed}"] .status`, 'completed');
    expect(await stillSameWindow()).toBe(true);
    await shot('tasks');

    await submit(page, `form[action="/tasks/${slow}/cancel"] button`);
    expect(new URL(page.url()).pathname).toBe(`/tasks/${slow}`);
    await waitForText(page, '#task-status', 'canceled');
    expect(await page.$(`form[action="/tasks/${slow}/cancel"]`)).toBeNull();
    stack.stub.setLatency(5);

    await page.goto(`${stack.api.url}/tasks?status=canceled`, { waitUntil: 'domcontentloaded' });
    expect(await page.$$eval('#tasks tbody tr[data-task-row]', (trs) => trs.map((tr) => tr.getAttribute('data-task-row')))).toEqual([String(slow)]);
  });

  it('lets a read key see everything and change nothing', async () => {
    const readKey = await createApiKey(stack.database.db, account.accountId, { scope: 'read' });
    const context = await browser.createBrowserContext();
    const reader = await newPage(context, 'zh-CN,zh;q=0.9');
    try {
      await signIn(reader, readKey.apiKey);
      expect(await reader.$$eval('#distillations tbody tr', (trs) => trs.length)).toBe(6);
      expect(await textOf(reader, 'h1')).toBe('蒸馏结果');
      expect(await reader.$('#import-file')).toBeNull();
      expect(await reader.$('a[href="/tasks/new"]')).toBeNull();
      await shot('distillations-read-only-zh', reader);
      await reader.goto(`${stack.api.url}/tasks`, { waitUntil: 'domcontentloaded' });
      expect(await reader.$('form[action$="/cancel"], form[action$="/retry"]')).toBeNull();
      const token = await reader.$eval('input[name="_csrf"]', (e: any) => e.value);
      const status = await reader.evaluate(async (csrf) => {
        const body = new URLSearchParams({ _csrf: csrf, keyword: 'sneaky', topics: 'why?' });
        return (await fetch('/distillations', { method: 'POST', body })).status;
      }, token);
      expect(status).toBe(403);
      expect(await liveDistillations()).toBe(6);
      // The article the editor left pending: no review or edit controls, its edit page and a forged approval refused.
      await reader.goto(`${stack.api.url}/articles/${editedId}`, { waitUntil: 'domcontentloaded' });
      expect(await reader.$('#review-status')).not.toBeNull();
      expect(await reader.$('form[action$="/approve"], form[action$="/reject"], #edit-link, #delete-link')).toBeNull();
      expect((await reader.goto(`${stack.api.url}/articles/${editedId}/edit`, { waitUntil: 'domcontentloaded' }))?.status()).toBe(403);
      const approve = await reader.evaluate(
        async ({ csrf, id }) => (await fetch(`/articles/${id}/approve`, { method: 'POST', body: new URLSearchParams({ _csrf: csrf }) })).status,
        { csrf: token, id: editedId },
      );
      expect(approve).toBe(403);
      expect((await articleRow(editedId)).reviewStatus).toBe('pending_review');
    } finally {
      await context.close();
    }
  });

  it('refuses a form without the session CSRF token', async () => {
    await page.goto(`${stack.api.url}/distillations`, { waitUntil: 'domcontentloaded' });
    const status = await page.evaluate(async () => (await fetch('/distillations', { method: 'POST', body: new URLSearchParams({ _csrf: 'forged', keyword: 'x', topics: 'y' }) })).status);
    expect(status).toBe(403);
  });

  it('signs out (the session row is deleted) and a revoked key ends its sessions', async () => {
    await submit(page, 'form[action="/sign-out"] button');
    expect(new URL(page.url()).pathname).toBe('/sign-in');
    await page.goto(`${stack.api.url}/tasks`, { waitUntil: 'domcontentloaded' });
    expect(new URL(page.url()).pathname).toBe('/sign-in');
    const sessions = async () => (await stack.database.db.select({ n: count() }).from(webSessions).where(eq(webSessions.apiKeyId, account.keyId)))[0]!.n;
    expect(await sessions()).toBe(0);

    await signIn(page, account.apiKey);
    expect(await sessions()).toBe(1);
    await revokeApiKey(stack.database.db, account.keyId);
    await page.goto(`${stack.api.url}/distillations`, { waitUntil: 'domcontentloaded' });
    await waitFor('the sign-in page', async () => (new URL(page.url()).pathname === '/sign-in' ? true : undefined));
  });
});
