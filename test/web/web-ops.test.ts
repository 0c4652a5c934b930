import { and, count, eq, inArray, isNull } from 'drizzle-orm';
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { taskEvents, usageReports } from '../../src/db/schema.js';
import { createApiKey } from '../../src/domain/accounts/index.js';
import { storeAllAccountsReport } from '../../src/domain/usage/usage-report-parts.js';
import { verifyUsage } from '../../src/domain/usage/verification.js';
import { DEFAULT_NOTIFICATION_TYPES } from '../../src/shared/events/index.js';
import { waitFor } from '../support/api-server.js';
import { clearInput, launchBrowser, newPage, screenshot, submit, textOf, waitForText } from '../support/browser.js';
import { newAccount, seedDistillations } from '../support/db.js';
import { useTestStack } from '../support/stack.js';

/** The console's notifications and usage pages in a real Chromium over the real stack. */

const stack = useTestStack();
const { database } = stack;

let browser: Browser;
let page: Page;
let account: Awaited<ReturnType<typeof newAccount>>;
let ids: number[];

/** The page fits a 375 px phone without sideways scrolling (wide tables scroll inside their own box). */
async function fitsPhone(name: string) {
  await page.setViewport({ width: 375, height: 800 });
  expect(await page.evaluate('document.documentElement.scrollWidth'), name).toBeLessThanOrEqual(375);
  await screenshot(page, `${name}-375px`);
  await page.setViewport({ width: 1200, height: 900 });
}

const go = (path: string, p: Page = page) => p.goto(`${stack.api.url}${path}`, { waitUntil: 'domcontentloaded' });
const unreadInDb = async () =>
  (await database.db
    .select({ n: count() })
    .from(taskEvents)
    .where(and(eq(taskEvents.accountId, account.accountId), inArray(taskEvents.type, [...DEFAULT_NOTIFICATION_TYPES]), isNull(taskEvents.readAt))))[0]!.n;
const badge = (p: Page = page) => textOf(p, '#unread-badge');
const usageCount = async (id: number) => (await database.sql`SELECT usage_count FROM distillations WHERE id = ${id}`)[0]!.usage_count as number;
const reportCount = async () => (await database.db.select({ n: count() }).from(usageReports).where(eq(usageReports.accountId, account.accountId)))[0]!.n;

async function signIn(p: Page, key: string) {
  await go('/sign-in', p);
  await p.type('#api-key', key);
  await submit(p, 'form[action="/sign-in"] button');
}

beforeAll(async () => {
  browser = await launchBrowser();
  page = await newPage(browser);
  account = await newAccount(database);
  ids = await seedDistillations(database, account.accountId, [{ keyword: 'ops one' }, { keyword: 'ops two' }, { keyword: 'ops three' }]);
});
afterAll(async () => {
  await browser?.close();
});

describe('notifications in a real Chromium', () => {
  it('shows no badge before anything happened, then as many unread as the task left, on every page', async () => {
    await signIn(page, account.apiKey);
    expect(await page.$('#unread-badge')).toBeNull();
    await go('/tasks/new');
    await clearInput(page, '#article-count');
    await page.type('#article-count', '2');
    await page.type('#concurrency', '1');
    await submit(page, '#new-task button');
    await waitForText(page, '#task-status', 'completed');
    const unread = await waitFor('the final notifications', async () => ((await unreadInDb()) >= 2 ? unreadInDb() : undefined));

    for (const path of ['/distillations', '/tasks', '/usage', '/notifications']) {
      await go(path);
      expect(await badge(), path).toBe(String(unread));
    }
    expect(await textOf(page, '#unread-total')).toBe(`${unread} unread`);
    expect(await page.$$eval('#notifications tbody tr.unread', (trs) => trs.length)).toBe(unread);
    expect(await page.$$eval('#notifications tbody tr td:nth-child(3)', (tds) => tds.map((td) => td.textContent))).toContain('Completed unread');
    await screenshot(page, 'notifications');
    await fitsPhone('notifications');
  });

  it('marks one read (the badge goes down by one), then all (the badge goes away)', async () => {
    const before = await unreadInDb();
    const first = await page.$eval('#notifications tbody tr.unread', (tr) => tr.getAttribute('data-notification'));
    await submit(page, `form[action="/notifications/${first}/read"] button`);
    expect(new URL(page.url()).pathname).toBe('/notifications');
    expect(await badge()).toBe(String(before - 1));
    expect(await unreadInDb()).toBe(before - 1);
    expect(await page.$eval(`tr[data-notification="${first}"]`, (tr) => tr.className)).toBe('');
    expect(await page.$(`form[action="/notifications/${first}/read"]`)).toBeNull();

    await go('/notifications?unread=true');
    expect(await page.$$eval('#notifications tbody tr[data-notification]', (trs) => trs.length)).toBe(before - 1);
    await submit(page, 'form[action="/notifications/read-all"] button');
    expect(await textOf(page, '.notice')).toBe(`Notifications marked read: ${before - 1}.`);
    expect(await page.$('#unread-badge')).toBeNull();
    expect(await unreadInDb()).toBe(0);
    expect(await page.$('form[action="/notifications/read-all"]')).toBeNull();
  });

  it('chooses the kinds of notification: progress milestones off by default, on when ticked', async () => {
    const progressBox = '#notification-kinds input[value="task.progress"]';
    await go('/notifications');
    expect(await page.$eval(progressBox, (e: any) => e.checked)).toBe(false);
    expect(await page.$eval('#notification-kinds input[value="task.completed"]', (e: any) => e.checked)).toBe(true);
    const events = () => page.$$eval('#notifications tbody tr td:nth-child(3)', (tds) => tds.map((td) => td.textContent ?? ''));
    expect((await events()).some((e) => e.startsWith('Progress'))).toBe(false);
    await page.click(progressBox);
    await submit(page, '#notification-kinds button');
    expect(await textOf(page, '.notice')).toBe('Notification kinds saved.');
    expect(await page.$eval(progressBox, (e: any) => e.checked)).toBe(true);
    expect((await events()).some((e) => e.startsWith('Progress'))).toBe(true);
    const [row] = await database.sql`SELECT notification_types FROM accounts WHERE id = ${account.accountId}`;
    expect(row!.notification_types).toContain('task.progress');
  });

  it("answers 404 for another account's notification and 400 for a bad id, as pages", async () => {
    const other = await newAccount(database);
    const [foreign] = await database.sql`INSERT INTO task_events (account_id, task_id, type) VALUES (${other.accountId}, 1, 'task.started') RETURNING id`;
    await go('/notifications');
    const token = await page.$eval('input[name="_csrf"]', (e: any) => e.value);
    const statuses = await page.evaluate(async (csrf, id) => {
      const post = (path: string) => fetch(path, { method: 'POST', body: new URLSearchParams({ _csrf: csrf }) }).then((r) => r.status);
      return [await post(`/notifications/${id}/read`), await post('/notifications/abc/read')];
    }, token, foreign!.id);
    expect(statuses).toEqual([404, 400]);
    expect((await database.sql`SELECT read_at FROM task_events WHERE id = ${foreign!.id}`)[0]!.read_at).toBeNull();
  });
});

describe('usage in a real Chromium', () => {
  it('verifies a clean pool as clean', async () => {
    await go('/usage');
    await submit(page, '#verify');
    expect(new URL(page.url()).pathname).toMatch(/^\/usage\/reports\/\d+$/);
    expect(await textOf(page, '#usage-result')).toContain('Clean: no discrepancies (distillations checked: 3, tasks checked: 1).');
    expect(await page.$('#distillation-findings')).toBeNull();
  });

  it('shows a broken count per distillation, a dry run that changes nothing, an apply that fixes it, and clean again', async () => {
    const broken = ids[1]!;
    const truth = await usageCount(broken);
    await database.sql`UPDATE distillations SET usage_count = usage_count + 3 WHERE id = ${broken}`;

    await go('/usage');
    await submit(page, '#verify');
    expect(await textOf(page, '#usage-result')).toContain('Discrepancies found: 1 (distillations checked: 3, tasks checked: 1).');
    const row = `#distillation-findings tr[data-distillation="${broken}"]`;
    expect(await page.$$eval(`${row} td`, (tds) => tds.map((td) => td.textContent))).toEqual([`#${broken} ops two`, String(truth + 3), String(truth), '=', '=']);
    await screenshot(page, 'usage-report');

    await go('/usage');
    await submit(page, '#dry-run');
    const change = `#repair-changes tr[data-change="set_usage_count"]`;
    expect(await page.$$eval(`${change} td`, (tds) => tds.map((td) => td.textContent))).toEqual(['Set usage count', `#${broken} ops two`, String(truth + 3), String(truth)]);
    expect(await textOf(page, '#apply')).toBe('Apply the changes (1)');
    expect(await usageCount(broken)).toBe(truth + 3);
    await screenshot(page, 'usage-repair-dry-run');
    await fitsPhone('usage-repair-dry-run');

    await submit(page, '#apply');
    expect(await textOf(page, '.notice')).toBe('Repaired. Changes written: 1.');
    expect(await page.$$eval(`${change} td`, (tds) => tds.map((td) => td.textContent))).toEqual(['Set usage count', `#${broken} ops two`, String(truth + 3), String(truth)]);
    expect(await page.$('#apply')).toBeNull();
    expect(await usageCount(broken)).toBe(truth);

    await go('/usage');
    await submit(page, '#verify');
    expect(await textOf(page, '#usage-result')).toContain('Clean: no discrepancies');
    await go('/usage');
    expect(await page.$$eval('#usage-reports tbody tr td:nth-child(3)', (tds) => tds.map((td) => td.textContent))).toEqual([
      'verification',
      'repair',
      'repair dry run',
      'verification',
      'verification',
    ]);
    await screenshot(page, 'usage');
  });

  it('refuses to apply a dry run after the counts changed, and writes nothing', async () => {
    const [a, b] = [ids[0]!, ids[2]!];
    const [ua, ub] = [await usageCount(a), await usageCount(b)];
    await database.sql`UPDATE distillations SET usage_count = usage_count + 1 WHERE id = ${a}`;
    await go('/usage');
    await submit(page, '#dry-run');
    await database.sql`UPDATE distillations SET usage_count = usage_count + 2 WHERE id = ${b}`;
    await submit(page, '#apply');
    expect(await textOf(page, '#usage-error')).toContain('run the dry run again');
    expect([await usageCount(a), await usageCount(b)]).toEqual([ua + 1, ub + 2]);

    await submit(page, '#dry-run');
    expect(await page.$$eval('#repair-changes tbody tr', (trs) => trs.length)).toBe(2);
    await submit(page, '#apply');
    expect([await usageCount(a), await usageCount(b)]).toEqual([ua, ub]);
  });

  it("lists the scheduled verification's findings for the account", async () => {
    await database.sql`UPDATE distillations SET reserved_count = reserved_count + 2 WHERE id = ${ids[0]!}`;
    await storeAllAccountsReport(database.db, 'schedule', await verifyUsage(database.db));
    await go('/usage');
    const first = await page.$eval('#usage-reports tbody tr', (tr) => [tr.getAttribute('data-report'), tr.querySelector('td:nth-child(4)')!.textContent]);
    expect(first[1]).toBe('schedule');
    expect(await textOf(page, '#usage-reports tbody tr td:nth-child(5)')).toContain('Reserved count differs 1');
    await submit(page, `a[href="/usage/reports/${first[0]}"]`);
    expect(await page.$$eval(`#distillation-findings tr[data-distillation="${ids[0]!}"] td`, (tds) => tds.map((td) => td.textContent))).toEqual([
      `#${ids[0]!} ops one`,
      '=',
      '=',
      '2',
      '0',
    ]);
    await database.sql`UPDATE distillations SET reserved_count = reserved_count - 2 WHERE id = ${ids[0]!}`;
  });
});

describe('a read key', () => {
  it('sees both pages without their buttons, and the server refuses its posts', async () => {
    const readKey = await createApiKey(database.db, account.accountId, { scope: 'read' });
    await database.sql`UPDATE task_events SET read_at = NULL WHERE account_id = ${account.accountId} AND type = 'task.completed'`;
    const context = await browser.createBrowserContext();
    const reader = await newPage(context);
    try {
      await signIn(reader, readKey.apiKey);
      await go('/notifications', reader);
      expect(await badge(reader)).toBe('1');
      expect(await reader.$$eval('#notifications tbody tr.unread', (trs) => trs.length)).toBe(1);
      expect(await reader.$('form[action^="/notifications/"]')).toBeNull();
      expect(await textOf(reader, '.help')).toContain('needs a write key');
      expect(await reader.$$eval('#notification-kinds input:disabled', (boxes) => boxes.length)).toBeGreaterThan(0);
      await go('/usage', reader);
      expect(await reader.$('#verify, #dry-run')).toBeNull();
      expect(await reader.$$eval('#usage-reports tbody tr', (trs) => trs.length)).toBeGreaterThan(0);
      const dryRun = await reader.$$eval('#usage-reports tbody tr', (trs) =>
        trs.find((tr) => tr.querySelector('td:nth-child(3)')!.textContent === 'repair dry run')!.querySelector('a')!.getAttribute('href'));
      await go(dryRun!, reader);
      expect(await textOf(reader, 'h1')).toContain('repair dry run');
      expect(await reader.$('#apply')).toBeNull();

      const [reports, unread] = [await reportCount(), await unreadInDb()];
      const token = await reader.$eval('input[name="_csrf"]', (e: any) => e.value);
      const statuses = await reader.evaluate(async (csrf) => {
        const post = (path: string, extra: Record<string, string> = {}) =>
          fetch(path, { method: 'POST', body: new URLSearchParams({ _csrf: csrf, ...extra }) }).then((r) => r.status);
        return [
          await post('/notifications/read-all'),
          await post('/usage/verify'),
          await post('/usage/repair'),
          await post('/usage/repair/apply', { fingerprint: '0'.repeat(32) }),
          await post('/notifications/settings', { types: 'task.failed' }),
        ];
      }, token);
      expect(statuses).toEqual([403, 403, 403, 403, 403]);
      expect([await reportCount(), await unreadInDb()]).toEqual([reports, unread]);
    } finally {
      await context.close();
    }
  });

  it('a write key gets 400 for an apply without a fingerprint', async () => {
    await go('/usage');
    const token = await page.$eval('input[name="_csrf"]', (e: any) => e.value);
    const status = await page.evaluate(async (csrf) => (await fetch('/usage/repair/apply', { method: 'POST', body: new URLSearchParams({ _csrf: csrf }) })).status, token);
    expect(status).toBe(400);
  });
});
