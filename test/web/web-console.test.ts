import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { and, count, eq, isNull } from 'drizzle-orm';
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { distillations, webSessions } from '../../src/db/schema.js';
import { createApiKey, revokeApiKey } from '../../src/domain/accounts/index.js';
import { waitFor } from '../support/api-server.js';
import { clearInput, launchBrowser, newPage, screenshot, submit, textOf, waitForText } from '../support/browser.js';
import { newAccount } from '../support/db.js';
import { useTestStack } from '../support/stack.js';

const stack = useTestStack();

let browser: Browser;
let page: Page;
let account: Awaited<ReturnType<typeof newAccount>>;
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

async function createTask(n: number, concurrency: number) {
  await page.goto(`${stack.api.url}/tasks/new`, { waitUntil: 'domcontentloaded' });
  await clearInput(page, '#article-count');
  await page.type('#article-count', String(n));
  await page.type('#concurrency', String(concurrency));
  await submit(page, '#new-task button');
  return Number(/^\/tasks\/(\d+)$/.exec(new URL(page.url()).pathname)?.[1]);
}

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

  it('refuses more articles than are available inline, then creates a task of 5 whose progress reaches 100 % live', async () => {
    await page.goto(`${stack.api.url}/tasks/new`, { waitUntil: 'domcontentloaded' });
    expect(await textOf(page, '#available')).toBe('6 available');
    await shot('new-task');
    await clearInput(page, '#article-count');
    await page.type('#article-count', '9');
    // console.js asks the server as the count is typed.
    await page.waitForSelector('#count-error:not([hidden])');
    await submit(page, '#new-task button');
    expect(await textOf(page, '#count-error')).toContain('only 6 available, but 9 articles were requested');
    await shot('new-task-insufficient');

    stack.stub.setLatency(700);
    const taskId = await createTask(5, 1);
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
