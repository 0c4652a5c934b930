import { and, eq } from 'drizzle-orm';
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { articles, distillations, generationTasks } from '../../src/db/schema.js';
import { createDistillations } from '../../src/domain/distillations/distillations.js';
import { formatInstant } from '../../src/web/time.js';
import { launchBrowser, newPage, submit, textOf, waitForText } from '../support/browser.js';
import { newAccount } from '../support/db.js';
import { useTestStack } from '../support/stack.js';

/**
 * The reader's language and time (issue 19): every refusal a Chinese console page shows is Chinese,
 * whether the console, the domain, zod or Temporal made it; check names and usage findings are named,
 * not coded; and every time on a page is in the reader's zone with its offset.
 */
const stack = useTestStack();

let browser: Browser;
let zh: Page;
let account: Awaited<ReturnType<typeof newAccount>>;
let taskId: number;

/** Latin words a Chinese refusal may hold: product and protocol names, formats, the examples of a cron and a zone. */
const LATIN_ALLOWED = new Set(['API', 'Token', 'Temporal', 'Webhook', 'URL', 'JSON', 'CSV', 'PDF', 'DOCX', 'Markdown', 'UTC', 'IANA', 'Asia', 'Shanghai', 'http', 'https', 'whsec_', 'base64', 'zip', 'cron']);
const englishIn = (text: string) => [...new Set(text.match(/[A-Za-z][A-Za-z0-9_'-]{2,}/g) ?? [])].filter((w) => !LATIN_ALLOWED.has(w));

interface Answer {
  status: number;
  url: string;
  /** The text of every refusal on the answered page (`.error`, role=alert), or its main region when it is an error page. */
  refusals: string[];
  main: string;
}

/** Posts a console form from the signed-in page (its CSRF token, same origin) and reads the page it answers. */
async function post(page: Page, path: string, fields: [string, string][]): Promise<Answer> {
  return page.evaluate(
    async (path: string, fields: [string, string][]) => {
      // Runs in the page: the DOM's types are not in this project's lib.
      const g = globalThis as any;
      const token = g.document.querySelector('input[name="_csrf"]').value as string;
      const res = await fetch(path, { method: 'POST', body: new URLSearchParams([['_csrf', token], ...fields]), credentials: 'same-origin', headers: { Accept: 'text/html' } });
      const doc = new g.DOMParser().parseFromString(await res.text(), 'text/html');
      const main = doc.getElementById('main');
      return {
        status: res.status,
        url: res.url,
        refusals: [...doc.querySelectorAll('#main .error, #main [role="alert"]')].map((e: any) => String(e.textContent ?? '').trim()).filter((s: string) => s !== ''),
        main: String(main?.textContent ?? '').replace(/\s+/g, ' '),
      };
    },
    path,
    fields,
  ) as Promise<Answer>;
}

const go = (page: Page, path: string) => page.goto(`${stack.api.url}${path}`, { waitUntil: 'domcontentloaded' });

/** Expects a refusal on the answered page with no English in it, and returns the refusals' text. */
function refusedInChinese(a: Answer, status: number) {
  expect(a.status, a.main).toBe(status);
  expect(a.refusals.length, a.main).toBeGreaterThan(0);
  const text = a.refusals.join(' | ');
  expect(englishIn(text), text).toEqual([]);
  return text;
}

beforeAll(async () => {
  browser = await launchBrowser();
  account = await newAccount(stack.database);
  await createDistillations(stack.database.db, account.accountId, [
    { keyword: '内容营销', topics: ['内容营销怎么做？'] },
    { keyword: '品牌语调', topics: ['语气怎么定？'] },
  ]);
  zh = await newPage(browser, 'zh-CN,zh;q=0.9');
  await go(zh, '/sign-in');
  await zh.type('#api-key', account.apiKey);
  await submit(zh, 'form[action="/sign-in"] button');
  await go(zh, '/tasks/new');
  await zh.$eval('#article-count', (e: any) => (e.value = '1'));
  await submit(zh, '#new-task button');
  taskId = Number(/^\/tasks\/(\d+)$/.exec(new URL(zh.url()).pathname)?.[1]);
  await waitForText(zh, '#task-status', '已完成');
});
afterAll(async () => {
  await browser?.close();
});

describe('refusals in the page language', () => {
  it('words the new-task form\'s schema issues from their rules, not zod\'s English', async () => {
    await go(zh, '/tasks/new');
    const a = await post(zh, '/tasks', [['articleCount', '0'], ['priority', '11'], ['maxRetries', '3']]);
    const text = refusedInChinese(a, 400);
    expect(text).toContain('文章篇数：不能小于 1。');
    expect(text).toContain('优先级：不能大于 10。');
  });

  it('words the domain\'s refusals of a finished task (cancel, retry) from their codes', async () => {
    await go(zh, `/tasks/${taskId}`);
    const cancel = await post(zh, `/tasks/${taskId}/cancel`, []);
    expect(refusedInChinese(cancel, 409)).toBe('任务已经结束（已完成），只有等待中或运行中的任务可以取消。');
    const retry = await post(zh, `/tasks/${taskId}/retry`, []);
    expect(refusedInChinese(retry, 409)).toBe('这个任务的文章都已写好，没有需要重试的。');
  });

  it('maps Temporal\'s schedule-spec errors to codes and says them in Chinese', async () => {
    await go(zh, '/schedules/new');
    const form = (cron: string, name = '每日') => [['name', name], ['when', 'custom'], ['cron', cron], ['timezone', 'Asia/Shanghai'], ['articleCount', '1'], ['priority', '5'], ['maxRetries', '3']] as [string, string][];
    const fields = await post(zh, '/schedules', form('every now and then'));
    expect(refusedInChinese(fields, 400)).toContain('定时表达式应有 5 个字段');
    const range = await post(zh, '/schedules', form('0 99 * * *'));
    expect(refusedInChinese(range, 400)).toMatch(/定时表达式|Temporal 拒绝/);
    const tooOften = await post(zh, '/schedules', form('@every 1s'));
    refusedInChinese(tooOften, 400);
    const unnamed = await post(zh, '/schedules', form('0 9 * * *', ''));
    expect(refusedInChinese(unnamed, 400)).toContain('名称：必填。');
    const zone = await post(zh, '/schedules', [...form('0 9 * * *').filter(([k]) => k !== 'timezone'), ['timezone', 'Mars/Olympus']]);
    expect(refusedInChinese(zone, 400)).toContain('时区：不是 IANA 时区名');
  });

  it('shows quality checks by name with reasons built from the flag\'s params', async () => {
    const [article] = await stack.database.db.select({ id: articles.id }).from(articles).where(eq(articles.taskId, taskId));
    await stack.database.db
      .update(articles)
      .set({
        qualityFlags: [
          { check: 'banned_word', message: 'the article contains the banned word "最好"; do not use it', params: { word: '最好' } },
          { check: 'min_length', message: 'the body has 120 characters; write at least 800', params: { chars: 120, min: 800 } },
          { check: 'title', message: 'the article has no title' },
        ],
      })
      .where(eq(articles.id, article!.id));
    await go(zh, `/articles/${article!.id}`);
    const flags = (await textOf(zh, '#quality-flags'))!;
    expect(flags.split('\n')).toEqual(['含禁用词：文章包含禁用词「最好」。', '篇幅过短：正文有 120 个字，至少需要 800 个。', '缺少标题：未通过这项检查。']);
    expect(englishIn(flags)).toEqual([]);
    await go(zh, '/articles');
    expect(englishIn((await textOf(zh, `tr[data-article-row="${article!.id}"] .tag`))!)).toEqual([]);
  });

  it('names usage findings and repair changes instead of their codes', async () => {
    const [d] = await stack.database.db.select({ id: distillations.id }).from(distillations).where(and(eq(distillations.accountId, account.accountId), eq(distillations.keyword, '品牌语调')));
    await stack.database.sql`UPDATE distillations SET usage_count = usage_count + 2 WHERE id = ${d!.id}`;
    try {
      await go(zh, '/usage');
      const verified = await post(zh, '/usage/verify', []);
      expect(verified.main).toContain('使用次数不一致');
      expect(verified.main).not.toContain('usage_count_mismatch');
      await go(zh, '/usage');
      const dryRun = await post(zh, '/usage/repair', []);
      expect(dryRun.main).toContain('修正使用次数');
      expect(dryRun.main).not.toContain('set_usage_count');
      for (const text of [verified.main, dryRun.main]) expect(englishIn(text.replace(/ak_[A-Za-z0-9_-]+/g, '').replace(/\b[0-9a-f]{16,}\b/g, ''))).toEqual([]);
    } finally {
      await stack.database.sql`UPDATE distillations SET usage_count = usage_count - 2 WHERE id = ${d!.id}`;
    }
  });

  it('words bulk review refusals: no article checked, and articles that are not there', async () => {
    await go(zh, '/articles/queue');
    const none = await post(zh, '/articles/review', [['action', 'approve'], ['back', '/articles/queue']]);
    expect(refusedInChinese(none, 400)).toContain('文章：至少 1 项。');
    const missing = await post(zh, '/articles/review', [['action', 'approve'], ['ids[]', '987654321'], ['back', '/articles/queue']]);
    expect(refusedInChinese(missing, 404)).toBe('找不到文章 987654321，未做任何更改。');
  });

  it('words the webhook form\'s refusals: no event, a bad address, a bad secret', async () => {
    await go(zh, '/webhooks');
    const noEvent = await post(zh, '/webhooks', [['url', 'https://example.com/hook']]);
    expect(refusedInChinese(noEvent, 400)).toContain('事件：至少 1 项。');
    const scheme = await post(zh, '/webhooks', [['url', 'ftp://example.com/hook'], ['events[]', 'task.completed']]);
    expect(refusedInChinese(scheme, 400)).toBe('回调地址必须以 http:// 或 https:// 开头。');
    const credentials = await post(zh, '/webhooks', [['url', 'https://user:pw@example.com/hook'], ['events[]', 'task.completed']]);
    expect(refusedInChinese(credentials, 400)).toBe('回调地址不能包含用户名或密码。');
    const secret = await post(zh, '/webhooks', [['url', 'https://example.com/hook'], ['events[]', 'task.completed'], ['secret', 'not-a-secret']]);
    refusedInChinese(secret, 400);
  });
});

describe('times in the reader\'s zone', () => {
  const createdAt = async () => (await stack.database.db.select({ at: generationTasks.createdAt }).from(generationTasks).where(eq(generationTasks.id, taskId)))[0]!.at;
  // The list says "3 min ago"; its exact time (title, and read on focus) is the one in the reader's zone.
  const createdCell = () => zh.$eval(`tr[data-task-row="${taskId}"] td.created time`, (e) => e.getAttribute('title'));

  it('shows the task list in a chosen zone with its offset, remembered across pages', async () => {
    const at = await createdAt();
    await go(zh, `/time-zone?zone=America/New_York&next=${encodeURIComponent('/tasks')}`);
    expect(new URL(zh.url()).pathname).toBe('/tasks');
    expect(await createdCell()).toBe(formatInstant(at, 'America/New_York'));
    expect(await createdCell()).toMatch(/ UTC-0[45]:00$/);
    expect(await textOf(zh, '.zone-note')).toBe('时区：America/New_York（更改）');
    await go(zh, '/time-zone');
    await zh.select('#zone', 'Asia/Shanghai');
    await submit(zh, '#time-zone-form button');
    expect(await textOf(zh, '.notice')).toBe('时间现在按 Asia/Shanghai 显示。');
    await go(zh, '/tasks');
    expect(await createdCell()).toBe(formatInstant(at, 'Asia/Shanghai'));
    expect(await createdCell()).toMatch(/ UTC\+08:00$/);
    await go(zh, '/notifications');
    const times = await zh.$$eval('#notifications time', (ts) => ts.map((t: any) => t.innerText as string));
    expect(times.length).toBeGreaterThan(0);
    for (const time of times) expect(time).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d UTC\+08:00$/);
  });

  it('takes the browser\'s zone when none was chosen, else Asia/Shanghai for zh and UTC for en', async () => {
    const at = await createdAt();
    const context = await browser.createBrowserContext();
    const page = await newPage(context, 'en');
    await page.emulateTimezone('Europe/Berlin');
    await page.goto(`${stack.api.url}/sign-in`, { waitUntil: 'load' });
    await page.type('#api-key', account.apiKey);
    await submit(page, 'form[action="/sign-in"] button');
    await page.goto(`${stack.api.url}/tasks`, { waitUntil: 'domcontentloaded' });
    expect(await page.$eval(`tr[data-task-row="${taskId}"] td.created time`, (e) => e.getAttribute('title'))).toBe(formatInstant(at, 'Europe/Berlin'));
    // Without the script's cookie the language decides: en reads UTC, zh Asia/Shanghai.
    await page.deleteCookie({ name: 'artgen_tz_browser', url: stack.api.url });
    await page.setJavaScriptEnabled(false);
    await page.goto(`${stack.api.url}/tasks`, { waitUntil: 'domcontentloaded' });
    expect(await page.$eval(`tr[data-task-row="${taskId}"] td.created time`, (e) => e.getAttribute('title'))).toBe(formatInstant(at, 'UTC'));
    await page.goto(`${stack.api.url}/lang/zh?next=/tasks`, { waitUntil: 'domcontentloaded' });
    expect(await page.$eval(`tr[data-task-row="${taskId}"] td.created time`, (e) => e.getAttribute('title'))).toBe(formatInstant(at, 'Asia/Shanghai'));
    await context.close();
  });
});
