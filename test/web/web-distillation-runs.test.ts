import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/domain/accounts/index.js';
import { describeViolations, wcagViolations } from '../support/axe.js';
import { launchBrowser, newPage, submit, textOf, waitForText } from '../support/browser.js';
import { newAccount } from '../support/db.js';
import { useTestStack } from '../support/stack.js';

/** The console's distillation runs (issue 17) in a real browser: start, live progress, review, in zh and en, axe clean. */
const stack = useTestStack();
let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
}, 60_000);
afterAll(async () => {
  await browser?.close();
});

async function signedIn(key: string, lang: string) {
  const context = await browser.createBrowserContext();
  const page = await newPage(context, lang);
  await page.setBypassCSP(true);
  await page.goto(`${stack.api.url}/sign-in`, { waitUntil: 'load' });
  await page.type('#api-key', key);
  await submit(page, 'form[action="/sign-in"] button');
  return page;
}

async function axeClean(page: Page, where: string) {
  const violations = await wcagViolations(page);
  expect(violations, describeViolations(where, violations)).toEqual([]);
}

const WORDS = {
  en: { start: 'Start', done: 'done', accept: 'Keep the checked questions (the others are dropped)', kept: 'Kept 3 questions; the others were dropped.' },
  'zh-CN': { start: '开始', done: '完成', accept: '保留勾选的问题（其余舍弃）', kept: '已保留 3 个问题，其余已舍弃。' },
} as const;

describe('console: distil keywords', () => {
  for (const lang of ['en', 'zh-CN'] as const) {
    it(`${lang}: keywords typed in, live progress to the end, the questions reviewed with checkboxes`, async () => {
      const { apiKey, accountId } = await newAccount(stack.database);
      stack.stub.setBehavior(() => ({ latencyMs: 300 }));
      const page = await signedIn(apiKey, lang);
      await page.goto(`${stack.api.url}/distillations/runs`, { waitUntil: 'load' });
      expect(await textOf(page, 'form[action="/distillations/runs"] button')).toBe(WORDS[lang].start);
      await axeClean(page, `${lang} runs page`);
      await page.type('#run-keywords', 'heat pump\nkettle');
      await page.$eval('#run-questions', (e: any) => void (e.value = '2'));
      await page.click('#run-review');
      await submit(page, 'form[action="/distillations/runs"] button');
      expect(new URL(page.url()).pathname).toMatch(/^\/distillations\/runs\/\d+$/);
      // The page refreshes itself from the run's event stream until the run ends.
      await page.waitForSelector('#run-status[data-status="completed"]', { timeout: 30_000 });
      expect(await page.$$eval('tr[data-state]', (trs) => trs.map((tr) => tr.getAttribute('data-state')))).toEqual(['done', 'done']);
      expect(await page.$$eval('tr[data-state] td:nth-child(2)', (tds) => tds.map((td: any) => td.innerText))).toEqual([WORDS[lang].done, WORDS[lang].done]);
      await axeClean(page, `${lang} run page in review`);

      // The last event may still refresh the page after it shows "completed": tick the boxes on a fresh load.
      await page.goto(page.url(), { waitUntil: 'load' });
      const boxes = await page.$$('input[name="questionIds"]');
      expect(boxes).toHaveLength(4);
      await boxes[3]!.click();
      expect(await textOf(page, '#run-review-form button')).toBe(WORDS[lang].accept);
      await submit(page, '#run-review-form button');
      await waitForText(page, '.notice', WORDS[lang].kept);
      expect(await page.$$eval('li[data-question-id]', (lis) => lis.map((li) => li.getAttribute('data-state')))).toEqual(['accepted', 'accepted', 'accepted', 'rejected']);
      const [row] = await stack.database.sql<{ n: number }[]>`SELECT coalesce(sum(topic_count), 0)::int AS n FROM distillations WHERE account_id = ${accountId}`;
      expect(row!.n).toBe(3);
      await axeClean(page, `${lang} run page reviewed`);
      await page.browserContext().close();
    }, 90_000);
  }

  it('a keyword file is read like the text box; a read key sees runs but gets no form', async () => {
    const { apiKey, accountId } = await newAccount(stack.database);
    stack.stub.setBehavior(() => ({}));
    const page = await signedIn(apiKey, 'en');
    await page.goto(`${stack.api.url}/distillations/runs`, { waitUntil: 'load' });
    const input = (await page.$('#run-file'))!;
    const file = `${process.cwd()}/.data/keywords-${process.pid}.txt`;
    const { writeFile } = await import('node:fs/promises');
    await writeFile(file, '# file\nlamp\ndesk\n');
    await (input as any).uploadFile(file);
    await submit(page, 'form[action="/distillations/runs"] button');
    await page.waitForSelector('#run-status[data-status="completed"]', { timeout: 30_000 });
    expect(await page.$$eval('tr[data-state] td:first-child', (tds) => tds.map((td: any) => td.innerText))).toEqual(['lamp', 'desk']);
    const runPath = new URL(page.url()).pathname;

    const read = await createApiKey(stack.database.db, accountId, { name: 'reader', scope: 'read' });
    const reader = await signedIn(read.apiKey, 'en');
    await reader.goto(`${stack.api.url}/distillations/runs`, { waitUntil: 'load' });
    expect(await reader.$('form[action="/distillations/runs"]')).toBeNull();
    await reader.goto(`${stack.api.url}${runPath}`, { waitUntil: 'load' });
    expect(await reader.$('#run-status')).not.toBeNull();
    await axeClean(reader, 'runs page for a read key');
  }, 90_000);
});
