import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOpenAiClient } from '../../src/llm/index.js';
import { startApiServer, waitFor } from '../support/api-server.js';
import { describeViolations, wcagViolations } from '../support/axe.js';
import { launchBrowser, newPage, screenshot, submit, waitForText } from '../support/browser.js';
import { newAccount, openTestDatabase, seedDistillations } from '../support/db.js';
import { keywordOf, splitContent, startLlmStub, type LlmStub } from '../support/llm-stub.js';
import { startTestWorker } from '../support/worker.js';

/** The console's task page shows each article's text as a streaming model writes it, under the page's own CSP. */

const database = openTestDatabase(8);
let stub: LlmStub;
let worker: Awaited<ReturnType<typeof startTestWorker>>;
let api: Awaited<ReturnType<typeof startApiServer>>;
let browser: Browser;
let release!: () => void;
const opened = new Promise<void>((resolve) => (release = resolve));
const content = (kw: string) => `# Written live: ${kw}\n\n${Array.from({ length: 16 }, (_, i) => `Sentence ${i} about ${kw} <b>not markup</b>.`).join('\n\n')}\n`;

beforeAll(async () => {
  // Answers once the pages are open: 40 pieces 60 ms apart, about 2.4 s of writing per article.
  stub = await startLlmStub({
    behavior: async (req) => {
      await opened;
      return { chunks: splitContent(content(keywordOf(req) ?? 'x'), 40), chunkDelayMs: 60 };
    },
  });
  worker = await startTestWorker(database, stub.url, { timeoutMs: 30_000 }, { llm: createOpenAiClient({ baseUrl: stub.url, model: 'stub-model', timeoutMs: 30_000, streaming: true }) });
  api = await startApiServer(database, worker.target);
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await api?.close();
  await worker?.stop();
  await stub?.close();
  await database.close();
});

async function signedIn(key: string, bypassCsp = false): Promise<Page> {
  const context = await browser.createBrowserContext();
  const page = await newPage(context);
  if (bypassCsp) await page.setBypassCSP(true);
  await page.goto(`${api.url}/sign-in`, { waitUntil: 'domcontentloaded' });
  await page.type('#api-key', key);
  await submit(page, 'form[action="/sign-in"] button');
  return page;
}

const liveText = (page: Page) => page.evaluate(`document.querySelector('#live-writing article[data-position="0"] pre')?.textContent ?? null`) as Promise<string | null>;

describe('live writing on the task page', () => {
  it('grows each article as it is written, as text, then shows the saved article in its row', async () => {
    const account = await newAccount(database);
    await seedDistillations(database, account.accountId, [{ keyword: 'glass roofs' }]);
    const created = await api.call('POST', '/api/article-generation/tasks', account.apiKey, { articleCount: 1 });
    expect(created.status, created.text).toBe(201);
    const taskId = created.body.taskId as number;

    const page = await signedIn(account.apiKey);
    const checked = await signedIn(account.apiKey, true);
    for (const p of [page, checked]) {
      await p.goto(`${api.url}/tasks/${taskId}`, { waitUntil: 'load' });
      expect(await p.$('#live-writing')).not.toBeNull();
    }
    // Both pages' event streams are open (each holds a lease) before the model writes a word.
    await waitFor('the pages to open their event streams', async () => {
      const [row] = await database.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM event_stream_leases WHERE account_id = ${account.accountId}`;
      return row!.n >= 2 ? true : undefined;
    });
    release();

    const seen: number[] = [];
    await page.waitForFunction(`(document.querySelector('#live-writing article pre')?.textContent ?? '').length > 0`, { timeout: 60_000 });
    for (let i = 0; i < 200; i++) {
      const text = await liveText(page);
      if (text === null) break;
      if (seen.at(-1) !== text.length) seen.push(text.length);
      expect(content('glass roofs').startsWith(text)).toBe(true);
      if (seen.length === 3) {
        // While the text is being written: the heading names the article, axe finds nothing to fix.
        expect(await page.$eval('#live-writing article h3', (h: any) => h.innerText)).toBe('Article 1, as it is written');
        expect(await page.$eval('#live-writing', (s: any) => s.hidden)).toBe(false);
        // What looks like markup in the text stays text.
        expect(await page.$('#live-writing b')).toBeNull();
        await screenshot(page, 'task-live-writing');
        const violations = await wcagViolations(checked);
        expect(violations, describeViolations('task page while writing', violations)).toEqual([]);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(seen.length, `lengths seen: ${seen.join(', ')}`).toBeGreaterThanOrEqual(3);
    for (let k = 1; k < seen.length; k++) expect(seen[k]!).toBeGreaterThan(seen[k - 1]!);

    // Saved: the text being written goes, the item's row names the saved article.
    await waitForText(page, '#items tbody tr td.article-title a', 'Written live: glass roofs');
    expect(await liveText(page)).toBeNull();
  });
});
