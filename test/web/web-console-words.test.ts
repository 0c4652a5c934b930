import { eq } from 'drizzle-orm';
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { articles, distillations } from '../../src/db/schema.js';
import { createDistillations } from '../../src/domain/distillations/distillations.js';
import { clearInput, launchBrowser, newPage, screenshot, submit, textOf, waitForText } from '../support/browser.js';
import { newAccount } from '../support/db.js';
import { useTestStack } from '../support/stack.js';

/**
 * The console as a new user meets it in each language: page chrome in the page's language (no English
 * left on a Chinese page beyond names and codes), refusals and import problems worded for the reader, a
 * pasted import kept after an error, and a navigation of ten links usable on a 375 px phone.
 */
const stack = useTestStack();

let browser: Browser;
let zh: Page;
let en: Page;
let account: Awaited<ReturnType<typeof newAccount>>;
let taskId: number;

/**
 * Latin words a Chinese page may show: product and protocol names, units, formats, codes, the language
 * switch; Webhook is what Chinese products call it too (飞书、钉钉、企业微信).
 */
const LATIN_ALLOWED = new Set(['artgen', 'API', 'English', 'Token', 'Temporal', 'UTC', 'Markdown', 'ID', 'CSV', 'JSON', 'keyword', 'topics', 'md', 'html', 'json', 'zip', 'article-task-', 'cron', 'IANA', 'Asia', 'Shanghai', 'every', 'write', 'read', 'admin', 'operator', 'NOT_FOUND', 'Webhook', 'USD', 'default']); // USD, default: a cost's currency code and the model's registry id (data, not words)

async function signedIn(lang: string) {
  const context = await browser.createBrowserContext();
  const page = await newPage(context, lang);
  await page.goto(`${stack.api.url}/sign-in`, { waitUntil: 'domcontentloaded' });
  await page.type('#api-key', account.apiKey);
  await submit(page, 'form[action="/sign-in"] button');
  return page;
}

/** Latin words on the page outside the user's data: the key's prefix (`ak_…`) and the articles' titles (the LLM stub writes English ones). */
async function englishWords(page: Page, path: string) {
  await page.goto(`${stack.api.url}${path}`, { waitUntil: 'domcontentloaded' });
  const titles = (await stack.database.db.select({ title: articles.title }).from(articles).where(eq(articles.accountId, account.accountId))).map((a) => a.title);
  let text = ((await page.evaluate('document.body.innerText')) as string).replace(/ak_[A-Za-z0-9_-]+…/g, '');
  for (const title of titles) text = text.replaceAll(title, '');
  return [...new Set(text.match(/[A-Za-z][A-Za-z_'-]{2,}/g) ?? [])].filter((w) => !LATIN_ALLOWED.has(w));
}

beforeAll(async () => {
  browser = await launchBrowser();
  account = await newAccount(stack.database);
  await createDistillations(stack.database.db, account.accountId, [
    { keyword: '内容营销', topics: ['内容营销怎么做？'] },
    { keyword: '品牌语调', topics: ['语气怎么定？', '风格怎么统一？'] },
    { keyword: '外链建设', topics: ['外链还有用吗？'] },
  ]);
  zh = await signedIn('zh-CN,zh;q=0.9');
  en = await signedIn('en');
  await zh.goto(`${stack.api.url}/tasks/new`, { waitUntil: 'domcontentloaded' });
  await submit(zh, '#new-task button');
  taskId = Number(/^\/tasks\/(\d+)$/.exec(new URL(zh.url()).pathname)?.[1]);
  await waitForText(zh, '#task-status', '已完成');
});
afterAll(async () => {
  await browser?.close();
});

describe('the console in Chinese and English', () => {
  it('words the page chrome of every main page in Chinese, the task list included', async () => {
    const paths = ['/distillations', '/tasks', '/tasks/new', `/tasks/${taskId}`, '/articles', '/articles/queue', '/notifications', '/usage', '/keys', '/schedules', '/templates'];
    const found: Record<string, string[]> = {};
    for (const path of paths) {
      const words = await englishWords(zh, path);
      if (words.length > 0) found[path] = words;
    }
    expect(found).toEqual({});
    await zh.goto(`${stack.api.url}/tasks`, { waitUntil: 'domcontentloaded' });
    expect(await textOf(zh, `tr[data-task-row="${taskId}"] td:nth-child(2)`)).toMatch(/^\S+ 等 3 个$/);
    await en.goto(`${stack.api.url}/tasks`, { waitUntil: 'domcontentloaded' });
    expect(await textOf(en, `tr[data-task-row="${taskId}"] td:nth-child(2)`)).toMatch(/^\S+ and 2 more$/);
    expect(await en.$eval('nav.main-nav', (n) => n.getAttribute('aria-label'))).toBe('Main');
    expect(await zh.$eval('nav.main-nav', (n) => n.getAttribute('aria-label'))).toBe('主导航');
    await screenshot(zh, 'tasks-zh');
  });

  it('names who ran a usage report in the page language', async () => {
    await zh.goto(`${stack.api.url}/usage`, { waitUntil: 'domcontentloaded' });
    await submit(zh, 'form[action="/usage/verify"] button');
    expect(await textOf(zh, '#main .help')).toMatch(/ · 控制台$/);
    expect(await englishWords(zh, '/usage')).toEqual([]);
  });

  it('uses Chinese punctuation between a label and its value', async () => {
    await zh.goto(`${stack.api.url}/tasks/${taskId}`, { waitUntil: 'domcontentloaded' });
    expect(await zh.$eval('#task-status', (e: any) => e.parentElement.innerText as string)).toBe('状态：已完成');
    await zh.click('#items tbody tr:nth-child(1) .article-title a');
    await zh.waitForSelector('#review-status');
    expect(await zh.$eval('#review-status', (e: any) => e.parentElement.innerText as string)).toBe('审核状态：已通过');
    expect(await textOf(zh, '#article-task')).toBe(`来自任务 ${taskId}`);
    await screenshot(zh, 'article-zh');
  });

  it('explains a missing page in the reader\'s language, with the error code beside it', async () => {
    const res = await zh.goto(`${stack.api.url}/tasks/99999`, { waitUntil: 'domcontentloaded' });
    expect(res?.status()).toBe(404);
    expect(await textOf(zh, 'h1')).toBe('未找到');
    expect(await textOf(zh, '.error')).toBe('找不到任务 99999：它不存在，或属于其他账号。');
    expect(await textOf(zh, '#error-code')).toBe('错误代码：NOT_FOUND');
    await en.goto(`${stack.api.url}/articles/99999`, { waitUntil: 'domcontentloaded' });
    expect(await textOf(en, '.error')).toBe('There is no article 99999, or it belongs to another account.');
    await screenshot(zh, 'not-found-zh');
  });

  it('says "not enough distillations" in Chinese only on a zh page, as the count is typed and after sending', async () => {
    const zhRefusal = '可用的蒸馏结果不足：当前只有 3 个可用，但请求生成 9 篇文章。请减少篇数，或添加带话题的蒸馏结果。';
    await zh.goto(`${stack.api.url}/tasks/new`, { waitUntil: 'domcontentloaded' });
    await clearInput(zh, '#article-count');
    await zh.type('#article-count', '9');
    await waitForText(zh, '#count-error', zhRefusal);
    await submit(zh, '#new-task button');
    expect(await textOf(zh, '#count-error')).toBe(zhRefusal);
    await screenshot(zh, 'new-task-insufficient-zh');
  });

  it('gives every form page a way back beside its button', async () => {
    const [own] = await stack.database.db.select({ id: distillations.id }).from(distillations).where(eq(distillations.accountId, account.accountId)).limit(1);
    const forms: [string, string][] = [['/tasks/new', '/tasks'], ['/schedules/new', '/schedules'], [`/distillations/${own!.id}/delete`, '/distillations']];
    for (const [path, back] of forms) {
      await en.goto(`${stack.api.url}${path}`, { waitUntil: 'domcontentloaded' });
      expect(await en.$$eval(`#main a[href="${back}"]`, (as) => as.map((a: any) => a.innerText as string))).toEqual(['Cancel']);
    }
  });

  it('keeps pasted import text after a bad line, to fix it in place', async () => {
    const pasted = 'keyword,topics\n本地 SEO,地图排名靠什么？\n没有话题,';
    await zh.goto(`${stack.api.url}/distillations`, { waitUntil: 'domcontentloaded' });
    await zh.$eval('#import-text', (e: any, v: string) => (e.value = v), pasted);
    await submit(zh, 'form[action="/distillations/import"] button');
    expect(await zh.$$eval('.bad-line td', (tds) => tds.map((td) => td.textContent))).toEqual(['3', '没有话题', '没有话题（至少需要一个）']);
    expect(await zh.$eval('#import-text', (e: any) => e.value)).toBe(pasted);
    await screenshot(zh, 'distillations-import-kept-zh');
  });

  it('lays the navigation out as full-width tap targets on a 375 px phone, once its Menu is opened, without sideways scrolling', async () => {
    for (const page of [zh, en]) {
      await page.goto(`${stack.api.url}/tasks/${taskId}`, { waitUntil: 'domcontentloaded' });
      await page.setViewport({ width: 375, height: 800 });
      expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(375);
      await page.click('label.nav-button');
      const boxes = await page.$$eval('nav.main-nav a', (as) => as.map((a) => a.getBoundingClientRect()).map((r) => ({ left: r.left, right: r.right, top: r.top, height: r.height })));
      expect(boxes.length).toBeGreaterThanOrEqual(9);
      for (const box of boxes) {
        expect(box.left).toBeGreaterThanOrEqual(0);
        expect(box.right).toBeLessThanOrEqual(375);
        expect(box.height).toBeGreaterThanOrEqual(32);
      }
      // The sign-out button and the language switch are still on the screen.
      for (const selector of ['form.sign-out button', 'nav.lang a[lang="en"]']) {
        expect(await page.$eval(selector, (e) => e.getBoundingClientRect().right)).toBeLessThanOrEqual(375);
      }
      await screenshot(page, page === zh ? 'navigation-375px-task-zh' : 'navigation-375px-task');
      await page.setViewport({ width: 1200, height: 900 });
    }
  });
});
