import { eq } from 'drizzle-orm';
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { articles, distillations, generationTasks } from '../../src/db/schema.js';
import { createApiKey, createWebSession } from '../../src/domain/accounts/index.js';
import { createArticleSetting, createKnowledgeBase, deleteResource } from '../../src/domain/ingredients/index.js';
import { startApiServer, waitFor } from '../support/api-server.js';
import { clearInput, launchBrowser, newPage, screenshot, submit, textOf, waitForText } from '../support/browser.js';
import { keywordOf } from '../support/llm-stub.js';
import { newAccount, seedDistillations } from '../support/db.js';
import { useTestStack } from '../support/stack.js';

const UI = 'http://127.0.0.1:41599';
const stack = useTestStack({ api: { temporalUiUrl: UI } });

let browser: Browser;
let page: Page;
let account: Awaited<ReturnType<typeof newAccount>>;
const tag = `wt${process.pid}`;
/** The task written with the knowledge base: one item fails, so its row offers a retry. */
let partialTaskId = 0;

const shot = (name: string, p: Page = page) => screenshot(p, name);

/** The page fits a 375 px wide phone without sideways scrolling. */
async function fitsPhone() {
  await page.setViewport({ width: 375, height: 800 });
  const width = await page.evaluate('document.documentElement.scrollWidth');
  await page.setViewport({ width: 1200, height: 900 });
  return width as number;
}

async function signIn(p: Page, key: string) {
  await p.goto(`${stack.api.url}/`, { waitUntil: 'domcontentloaded' });
  await p.type('#api-key', key);
  await submit(p, 'form[action="/sign-in"] button');
}

async function typeCount(n: number) {
  await clearInput(page, '#article-count');
  await page.type('#article-count', String(n));
}

const rowIds = (p: Page) => p.$$eval('#tasks tbody tr[data-task-row]', (trs) => trs.map((tr) => Number(tr.getAttribute('data-task-row'))));
const rowStatuses = (p: Page) => p.$$eval('#tasks tbody td.status', (tds) => tds.map((td) => [td.getAttribute('data-status'), (td as any).innerText]));

/** `n` finished tasks written straight into the database, as if they had run. */
async function insertFinishedTasks(n: number, status: 'completed' | 'failed', distillationId: number) {
  const rows = await stack.database.db
    .insert(generationTasks)
    .values(
      Array.from({ length: n }, () => ({
        accountId: account.accountId,
        selectedDistillationIds: [distillationId],
        requestedCount: 1,
        generatedCount: status === 'completed' ? 1 : 0,
        failedCount: status === 'failed' ? 1 : 0,
        progress: 100,
        status,
        completedAt: new Date(),
      })),
    )
    .returning({ id: generationTasks.id });
  return rows.map((r) => r.id);
}

beforeAll(async () => {
  browser = await launchBrowser();
  page = await newPage(browser);
  account = await newAccount(stack.database);
});
afterAll(async () => {
  await browser?.close();
});

describe('task pages of the web console in a real Chromium', () => {
  it('checks the count live as it is typed and creates a task with a knowledge base picked', async () => {
    const at = (i: number) => new Date(Date.UTC(2024, 0, 1) + i * 1000);
    const keywords = Array.from({ length: 6 }, (_, i) => `${tag}-kw${i}`);
    await seedDistillations(stack.database, account.accountId, keywords.slice(0, 3).map((keyword, i) => ({ keyword, createdAt: at(i) })));
    const kb = await createKnowledgeBase(stack.database.db, account.accountId, { name: 'Brand facts', documents: [{ title: 'Origin', content: `${tag} roasted since 1921` }] });
    await createKnowledgeBase(stack.database.db, account.accountId, { name: 'Unused facts', documents: [] });
    await createArticleSetting(stack.database.db, account.accountId, { name: 'House style', prompt: 'Be brief.' });
    await signIn(page, account.apiKey);

    await page.goto(`${stack.api.url}/tasks/new`, { waitUntil: 'domcontentloaded' });
    expect(await textOf(page, '#available')).toBe('3 available');
    const kbOptions = await page.$$eval('#ingredient-knowledgeBase option', (os) => os.map((o: any) => [o.value, o.textContent]));
    expect(kbOptions[0]).toEqual(['', 'None']);
    expect(kbOptions).toContainEqual([String(kb.id), `Brand facts (#${kb.id})`]);
    expect(await page.$$eval('#ingredient-articleSetting option', (os) => os.map((o: any) => o.textContent))).toEqual(['None', expect.stringContaining('House style')]);
    expect(await page.$$eval('#ingredient-album option', (os) => os.length)).toBe(1);

    // Before submit: the seed's message, from the server, as the count is typed.
    await typeCount(5);
    await page.waitForSelector('#count-error:not([hidden])');
    expect(await textOf(page, '#count-error')).toContain('only 3 available, but 5 articles were requested');
    expect(await page.$eval('#article-count', (e) => e.getAttribute('aria-invalid'))).toBe('true');

    // Distillations added meanwhile (another editor's import) show up at the next keystroke.
    await seedDistillations(stack.database, account.accountId, keywords.slice(3).map((keyword, i) => ({ keyword, createdAt: at(3 + i) })));
    await typeCount(5);
    await waitForText(page, '#available', '6 available');
    await page.waitForSelector('#count-error[hidden]');

    await page.select('#ingredient-knowledgeBase', String(kb.id));
    await shot('new-task-ingredients');
    expect(await fitsPhone()).toBeLessThanOrEqual(375);
    // The first keyword's article fails for good, so the task ends completed with one failed item.
    stack.stub.setBehavior((req) => (keywordOf(req) === keywords[0] ? { status: 400, errorMessage: 'content policy violation' } : {}));
    await submit(page, '#new-task button');
    partialTaskId = Number(/^\/tasks\/(\d+)$/.exec(new URL(page.url()).pathname)?.[1]);
    expect(partialTaskId).toBeGreaterThan(0);
    await waitForText(page, '#task-status', 'completed');
    stack.stub.setBehavior(() => ({}));

    const [task] = await stack.database.db.select().from(generationTasks).where(eq(generationTasks.id, partialTaskId));
    expect(task).toMatchObject({ knowledgeBaseId: kb.id, articleSettingId: null, albumId: null, conversionTargetId: null, generatedCount: 4, failedCount: 1 });
    const prompts = stack.stub.requests.filter((r) => keywordOf(r) === keywords[1]);
    expect(prompts.length).toBeGreaterThanOrEqual(1);
    expect(prompts[0]!.userMessage).toContain(`${tag} roasted since 1921`);
  });

  it('says above the form when a picked ingredient was deleted meanwhile, and creates nothing', async () => {
    const doomed = await createKnowledgeBase(stack.database.db, account.accountId, { name: 'Soon gone', documents: [] });
    await page.goto(`${stack.api.url}/tasks/new`, { waitUntil: 'domcontentloaded' });
    await typeCount(1);
    await page.select('#ingredient-knowledgeBase', String(doomed.id));
    await deleteResource(stack.database.db, 'knowledgeBase', account.accountId, doomed.id);
    const before = await stack.database.db.select({ id: generationTasks.id }).from(generationTasks).where(eq(generationTasks.accountId, account.accountId));
    await submit(page, '#new-task button');
    expect(new URL(page.url()).pathname).toBe('/tasks');
    expect(await textOf(page, '#form-error')).toBe(`These no longer exist: Knowledge base ${doomed.id}. Choose others or leave the field empty.`);
    expect(await page.$eval('#count-error', (e: any) => e.hidden)).toBe(true);
    expect(await page.$eval('#article-count', (e: any) => e.value)).toBe('1');
    const after = await stack.database.db.select({ id: generationTasks.id }).from(generationTasks).where(eq(generationTasks.accountId, account.accountId));
    expect(after).toHaveLength(before.length);
  });

  it('shows tokens and durations per item and in total, states and errors, deleted markers and the Temporal UI link', async () => {
    const keywords = Array.from({ length: 5 }, (_, i) => `${tag}-kw${i}`);
    await stack.database.db.update(distillations).set({ deletedAt: new Date() }).where(eq(distillations.keyword, keywords[2]!));
    await page.goto(`${stack.api.url}/tasks/${partialTaskId}`, { waitUntil: 'domcontentloaded' });

    const listed = await page.$$eval('#selected-distillations li', (lis) => lis.map((li: any) => [li.innerText.split(' ')[0], li.querySelector('.tag') !== null]));
    expect(listed).toEqual(keywords.map((k, i) => [k, i === 2]));

    const items = await page.$$eval('#items tbody tr', (trs) =>
      trs.map((tr) => ({ state: tr.getAttribute('data-item-state'), cells: [...tr.querySelectorAll('td')].map((td: any) => td.innerText as string) })),
    );
    expect(items.map((i) => i.state)).toEqual(['failed', 'saved', 'saved', 'saved', 'saved']);
    expect(items[0]!.cells[2]).toMatch(/^failed — .*HTTP 400 \(stub\)/);
    for (const item of items.slice(1)) {
      expect(item.cells[2]).toBe('saved');
      expect(item.cells[5]).toBe('default'); // the registry id of the model that wrote it
      expect(Number(item.cells[6])).toBeGreaterThan(0);
      expect(item.cells[7]).toMatch(/^\d+(\.\d)? (ms|s)$/);
    }
    const [task] = await stack.database.db.select().from(generationTasks).where(eq(generationTasks.id, partialTaskId));
    const sum = task!.promptTokens + task!.completionTokens;
    expect(sum).toBeGreaterThan(0);
    expect(await textOf(page, '[data-total="tokens"]')).toBe(`Tokens: ${task!.promptTokens} prompt + ${task!.completionTokens} completion = ${sum}`);
    expect(await textOf(page, '[data-total="generation-ms"]')).toMatch(/^Generation time of the articles: /);
    expect(await textOf(page, '[data-total="elapsed"]')).toMatch(/^From start to end: /);

    expect(await page.$eval('#temporal-ui-link', (a) => a.getAttribute('href'))).toBe(`${UI}/namespaces/default/workflows/article-task-${partialTaskId}`);
    expect(task!.workflowId).toBe(`article-task-${partialTaskId}`);
    await shot('task-detail-tokens');
  });

  it('links no Temporal UI when the deployment names none', async () => {
    const bare = await startApiServer(stack.database, stack.worker.target);
    try {
      const session = await createWebSession(stack.database.db, account.apiKey);
      if (!session.ok) throw new Error(`no session: ${session.reason}`);
      const res = await fetch(`${bare.url}/tasks/${partialTaskId}`, { headers: { cookie: `artgen_session=${session.id}`, 'accept-language': 'en' } });
      const html = await res.text();
      expect(res.status).toBe(200);
      expect(html).toContain('id="task-status"');
      expect(html).not.toContain('temporal-ui-link');
    } finally {
      await bare.close();
    }
  });

  it('pages through more than 50 tasks keeping the status filter, with retry only where the domain allows it', async () => {
    const [anyDistillation] = await stack.database.db.select({ id: distillations.id }).from(distillations).where(eq(distillations.accountId, account.accountId)).limit(1);
    const completed = await insertFinishedTasks(60, 'completed', anyDistillation!.id);
    const failed = await insertFinishedTasks(3, 'failed', anyDistillation!.id);

    await page.goto(`${stack.api.url}/tasks?status=completed`, { waitUntil: 'domcontentloaded' });
    const first = await rowIds(page);
    expect(first).toEqual([...completed].reverse().slice(0, 50));
    expect(await textOf(page, '.pager')).toContain('Page 1 of 2');
    expect(await page.$('.pager a[rel="prev"]')).toBeNull();

    await submit(page, '.pager a[rel="next"]');
    expect(new URL(page.url()).searchParams.get('status')).toBe('completed');
    expect(await page.$eval('#status', (s: any) => s.value)).toBe('completed');
    const second = await rowIds(page);
    expect(second).toEqual([...[...completed].reverse().slice(50), partialTaskId]);
    expect(new Set((await rowStatuses(page)).map(([s]) => s))).toEqual(new Set(['completed']));
    // Retry only on the task with an unwritten article; no cancel on finished tasks.
    expect(await page.$$eval('form[action$="/retry"]', (fs) => fs.map((f) => f.getAttribute('action')))).toEqual([`/tasks/${partialTaskId}/retry`]);
    expect(await page.$('form[action$="/cancel"]')).toBeNull();
    await shot('tasks-page-2');
    expect(await fitsPhone()).toBeLessThanOrEqual(375);

    await submit(page, '.pager a[rel="prev"]');
    expect(new URL(page.url()).searchParams.get('status')).toBe('completed');
    expect(await rowIds(page)).toEqual(first);

    await page.goto(`${stack.api.url}/tasks?status=failed`, { waitUntil: 'domcontentloaded' });
    expect(await rowIds(page)).toEqual([...failed].reverse());
    expect(await page.$('.pager')).toBeNull();
    // A failed task with retries left offers a retry.
    expect(await page.$$eval('form[action$="/retry"]', (fs) => fs.length)).toBe(3);
  });

  it('names statuses in Chinese on a zh page: list, filter and task page', async () => {
    const context = await browser.createBrowserContext();
    const zh = await newPage(context, 'zh-CN,zh;q=0.9');
    try {
      await signIn(zh, account.apiKey);
      await zh.goto(`${stack.api.url}/tasks?status=failed`, { waitUntil: 'domcontentloaded' });
      expect(new Set((await rowStatuses(zh)).map(([, text]) => text))).toEqual(new Set(['失败']));
      expect(await zh.$$eval('#status option', (os) => os.map((o: any) => o.textContent))).toEqual(['全部', '等待中', '运行中', '已暂停', '已完成', '失败', '已取消', '已超时']);
      await zh.goto(`${stack.api.url}/tasks/${partialTaskId}`, { waitUntil: 'domcontentloaded' });
      expect(await textOf(zh, '#task-status')).toBe('已完成');
      expect(await zh.$$eval('#items tbody tr td:nth-child(3)', (tds) => tds.map((td: any) => (td.innerText as string).split(' ')[0]))).toEqual(['失败', '已保存', '已保存', '已保存', '已保存']);
      expect(await textOf(zh, '#temporal-ui-link')).toBe(`在 Temporal UI 中查看工作流 article-task-${partialTaskId}`);
    } finally {
      await context.close();
    }
  });

  it('cancels a running task from its row in the list', async () => {
    stack.stub.setLatency(60_000);
    await page.goto(`${stack.api.url}/tasks/new`, { waitUntil: 'domcontentloaded' });
    await typeCount(1);
    await submit(page, '#new-task button');
    // A refused form stays on /tasks with its reason on the page: say it if that happens.
    expect(new URL(page.url()).pathname, (await textOf(page, 'main')) ?? '').toMatch(/^\/tasks\/\d+$/);
    const running = Number(/^\/tasks\/(\d+)$/.exec(new URL(page.url()).pathname)?.[1]);
    // This task's own LLM call is in flight (an earlier test's call could be too).
    await waitFor('the slow request', async () => {
      const [row] = await stack.database.db.select({ status: generationTasks.status }).from(generationTasks).where(eq(generationTasks.id, running));
      return row?.status === 'running' && stack.stub.inFlight > 0 ? true : undefined;
    });

    await page.goto(`${stack.api.url}/tasks`, { waitUntil: 'domcontentloaded' });
    expect((await rowIds(page))[0]).toBe(running);
    expect(await page.$(`tr[data-task-row="${running}"] form[action$="/retry"]`)).toBeNull();
    await submit(page, `tr[data-task-row="${running}"] form[action="/tasks/${running}/cancel"] button`);
    expect(new URL(page.url()).pathname).toBe(`/tasks/${running}`);
    await waitForText(page, '#task-status', 'canceled');
    stack.stub.setLatency(5);
    const [task] = await stack.database.db.select().from(generationTasks).where(eq(generationTasks.id, running));
    expect(task!.status).toBe('canceled');
  });
  it('takes a retry limit and a timeout from the form, and shows a read key no way to create a task', async () => {
    stack.stub.setLatency(5);
    await page.goto(`${stack.api.url}/tasks/new`, { waitUntil: 'domcontentloaded' });
    await typeCount(1);
    await clearInput(page, '#max-retries');
    await page.type('#max-retries', '1');
    await page.type('#timeout-minutes', '30');
    await submit(page, '#new-task button');
    expect(new URL(page.url()).pathname, (await textOf(page, 'main')) ?? '').toMatch(/^\/tasks\/\d+$/);
    const created = Number(/^\/tasks\/(\d+)$/.exec(new URL(page.url()).pathname)?.[1]);
    const [task] = await stack.database.db.select().from(generationTasks).where(eq(generationTasks.id, created));
    expect(task).toMatchObject({ maxRetries: 1, timeoutSeconds: 1800 });

    // Out of range: refused in the form with the field named, nothing created.
    await page.goto(`${stack.api.url}/tasks/new`, { waitUntil: 'domcontentloaded' });
    await typeCount(1);
    await page.$eval('#max-retries', (e: any) => { e.removeAttribute('max'); e.value = '11'; });
    await submit(page, '#new-task button');
    expect(await textOf(page, '#form-error')).toContain('maxRetries must be 0-10');

    const reader = await createApiKey(stack.database.db, account.accountId, { scope: 'read', name: null });
    const context = await browser.createBrowserContext();
    const readPage = await newPage(context);
    try {
      await signIn(readPage, reader.apiKey);
      await readPage.goto(`${stack.api.url}/tasks/new`, { waitUntil: 'domcontentloaded' });
      expect(await readPage.$('#new-task button[type="submit"]')).toBeNull();
      expect(await textOf(readPage, '#read-only')).toContain('write key');
    } finally {
      await context.close();
    }
  });
  it('lists when each task was made, its priority, what waits for review and what was flagged, with a New task button', async () => {
    const own = await stack.database.db.select({ id: articles.id }).from(articles).where(eq(articles.taskId, partialTaskId)).orderBy(articles.id);
    expect(own.length).toBeGreaterThanOrEqual(2);
    await stack.database.sql`UPDATE articles SET review_status = 'pending_review' WHERE id = ${own[0]!.id}`;
    await stack.database.sql`UPDATE articles SET review_status = 'pending_review', quality_flags = '[{"check":"banned_word","reason":"x"}]'::jsonb WHERE id = ${own[1]!.id}`;
    const [task] = await stack.database.db.select().from(generationTasks).where(eq(generationTasks.id, partialTaskId));
    // Sixty newer tasks were written by an earlier test: this one is on the second page.
    await page.goto(`${stack.api.url}/tasks?status=completed&page=2`, { waitUntil: 'domcontentloaded' });
    const row = `tr[data-task-row="${partialTaskId}"]`;
    expect(await page.$eval(`${row} td.created time`, (e) => e.getAttribute('datetime'))).toBe(task!.createdAt.toISOString());
    // Said relatively, with the exact minute and its zone on hover (title) and on keyboard focus.
    const exact = `${task!.createdAt.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
    expect(await page.$eval(`${row} td.created time`, (e) => e.getAttribute('title'))).toBe(exact);
    expect(await page.$eval(`${row} td.created time`, (e) => e.firstChild!.textContent)).toMatch(/^(just now|\d+ (min|h|days) ago)$/);
    const exactBox = () => page.$eval(`${row} td.created .exact`, (e) => ({ text: e.textContent, width: e.getBoundingClientRect().width }));
    expect((await exactBox()).width).toBeLessThanOrEqual(1);
    await page.focus(`${row} td.created time`);
    expect(await exactBox()).toEqual({ text: ` (${exact})`, width: expect.any(Number) });
    expect((await exactBox()).width).toBeGreaterThan(50);
    expect(await page.$eval(`${row} td.status .status-badge`, (e) => e.className)).toBe('status-badge s-completed');
    expect(await textOf(page, `${row} td.priority`)).toBe(String(task!.priority));
    expect(await textOf(page, `${row} td.review`)).toBe('2');
    expect(await page.$eval(`${row} td.review a`, (a) => a.getAttribute('href'))).toBe(`/articles?taskId=${partialTaskId}&reviewStatus=pending_review`);
    expect(await textOf(page, `${row} td.flagged`)).toBe('1');
    expect(await page.$eval('#new-task-link', (a) => a.getAttribute('href'))).toBe('/tasks/new');
    expect(await fitsPhone()).toBeLessThanOrEqual(375);
  });
});
