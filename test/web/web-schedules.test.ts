import { ScheduleNotFoundError } from '@temporalio/client';
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../src/config.js';
import { createApiKey } from '../../src/domain/accounts/index.js';
import { createArticleSetting, deleteResource } from '../../src/domain/ingredients/index.js';
import { updateAccountLimits } from '../../src/domain/limits/account-limits.js';
import { waitFor } from '../support/api-server.js';
import { clearInput, launchBrowser, newPage, screenshot, submit, textOf, waitForText } from '../support/browser.js';
import { newAccount, seedDistillations } from '../support/db.js';
import { useTestStack } from '../support/stack.js';

/**
 * The console's schedules in a real Chromium over the real stack: the live preview of Temporal's next
 * run times, the API's too-frequent refusal inline, pause and resume, run now (its task served by the
 * LLM stub), delete behind a confirmation, and a read key that can only look.
 */

const stack = useTestStack();
let browser: Browser;
let page: Page;
let account: Awaited<ReturnType<typeof newAccount>>;
let scheduleId: number;
let settingId: number;

const rowsOf = async () =>
  (await stack.database.sql<{ id: number; deleted: boolean }[]>`
    SELECT id, deleted_at IS NOT NULL AS deleted FROM generation_schedules WHERE account_id = ${account.accountId} ORDER BY id`);
const tasksOf = async () =>
  (await stack.database.sql<{ id: number }[]>`SELECT id FROM generation_tasks WHERE account_id = ${account.accountId} ORDER BY id`).map((r) => r.id);
const describeSchedule = (id: number) => stack.worker.client.schedule.getHandle(`generation-schedule-${id}`).describe();
const row = (id: number) => `tr[data-schedule-row="${id}"]`;
const go = (p: Page, path: string) => p.goto(`${stack.api.url}${path}`, { waitUntil: 'domcontentloaded' });
/** Waits until the preview region has been replaced by the server's answer for the current form. */
const waitForPreview = (what: 'next-runs' | 'spec-error') => page.waitForSelector(`#schedule-preview #${what}`, { timeout: 60_000 });

/**
 * Submits with the keyboard: after a full-page screenshot of a scrolled page, Chromium scrolls between
 * a click's mousedown and mouseup, so the click lands beside the button and nothing is submitted.
 */
async function pressButton(p: Page, selector: string) {
  await p.focus(selector);
  await Promise.all([p.waitForNavigation({ waitUntil: 'domcontentloaded' }), p.keyboard.press('Enter')]);
}

async function signIn(p: Page, key: string) {
  await go(p, '/sign-in');
  await p.type('#api-key', key);
  await submit(p, 'form[action="/sign-in"] button');
}

beforeAll(async () => {
  browser = await launchBrowser();
  page = await newPage(browser);
  account = await newAccount(stack.database);
  await seedDistillations(stack.database, account.accountId, [{ keyword: 'GEO' }, { keyword: 'AI search' }, { keyword: 'Local SEO' }]);
  settingId = (await createArticleSetting(stack.database.db, account.accountId, { name: 'House style', prompt: 'Write plainly.' })).id;
  await signIn(page, account.apiKey);
});
afterAll(async () => {
  for (const { id } of (await rowsOf().catch(() => [])) ?? []) await stack.worker?.client.schedule.getHandle(`generation-schedule-${id}`).delete().catch(() => undefined);
  await browser?.close();
});

describe('schedules in the web console', () => {
  it('previews the next run times of a preset live and creates the schedule, listed active with its next runs', async () => {
    await go(page, '/schedules');
    expect(await textOf(page, '#schedules tbody')).toBe('Nothing here yet.');
    await page.click('#new-schedule-link');
    await page.waitForSelector('#new-schedule');
    // The default preset (every day at 09:00) is previewed as soon as the page loads.
    await waitForPreview('next-runs');
    expect(await page.$eval('#preview-button', (e: any) => e.hidden)).toBe(true);
    const daily = await page.$$eval('#next-runs time', (ts) => ts.map((t) => t.getAttribute('datetime')!));
    expect(daily).toHaveLength(5);
    for (const at of daily) expect(at).toMatch(/T09:00:00\.000Z$/);

    await page.click('input[name="when"][value="weekly"]');
    const mondays = "[...document.querySelectorAll('#next-runs time')].map((t) => new Date(t.getAttribute('datetime')).getUTCDay()).join() === '1,1,1,1,1'";
    await page.waitForFunction(mondays, { timeout: 60_000 });
    expect(await page.$eval('#cron', (e: any) => e.value)).toBe('0 9 * * 1');
    expect(await textOf(page, '#next-runs li')).toMatch(/^Mon, .* 09:00 UTC$/);
    await page.type('#schedule-name', 'Weekly digest');
    await clearInput(page, '#article-count');
    await page.type('#article-count', '2');
    await page.select('#articleSettingId', String(settingId));
    await screenshot(page, 'schedule-new');
    await pressButton(page, '#create-schedule');

    expect(new URL(page.url()).pathname).toBe('/schedules');
    expect(await textOf(page, '.notice')).toBe('Schedule Weekly digest created.');
    const rows = await rowsOf();
    expect(rows).toHaveLength(1);
    scheduleId = rows[0]!.id;
    const [stored] = await stack.database.sql<{ template: Record<string, unknown> }[]>`SELECT template FROM generation_schedules WHERE id = ${scheduleId}`;
    expect(stored!.template).toMatchObject({ articleCount: 2, articleSettingId: settingId, priority: 5, maxRetries: 3, autoApprove: true });
    expect(await textOf(page, `${row(scheduleId)} .schedule-spec`)).toBe('Every Monday at 09:00 · UTC');
    expect(await page.$eval(`${row(scheduleId)} .schedule-state`, (e) => e.getAttribute('data-state'))).toBe('active');
    expect(await page.$$eval(`${row(scheduleId)} .next-runs time`, (ts) => ts.length)).toBe(3);
    expect(await textOf(page, `${row(scheduleId)} .last-runs`)).toBe('none yet');
    const described = await describeSchedule(scheduleId);
    expect(described.state.paused).toBe(false);
    expect(described.spec.calendars?.length ?? 0).toBeGreaterThan(0);
    await screenshot(page, 'schedules');
    await page.setViewport({ width: 375, height: 800 });
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(375);
    await page.setViewport({ width: 1200, height: 900 });
  });

  it('shows the API\'s too-frequent refusal inline, live and after submit, and keeps nothing', async () => {
    await go(page, '/schedules/new');
    await waitForPreview('next-runs');
    await page.type('#schedule-name', 'Too eager');
    await clearInput(page, '#cron');
    await page.type('#cron', '@every 1s');
    expect(await page.$eval('input[name="when"][value="custom"]', (e: any) => e.checked)).toBe(true);
    await waitForPreview('spec-error');
    expect(await textOf(page, '#spec-error')).toContain('runs must be at least 60 seconds apart');
    await screenshot(page, 'schedule-error');
    await page.setViewport({ width: 375, height: 800 });
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(375);
    await page.setViewport({ width: 1200, height: 900 });

    await pressButton(page, '#create-schedule');
    expect(new URL(page.url()).pathname).toBe('/schedules');
    expect(await page.$('#new-schedule')).not.toBeNull();
    expect(await textOf(page, '#spec-error')).toContain('This schedule would run 1 seconds apart');
    expect(await page.$eval('#cron', (e: any) => e.value)).toBe('@every 1s');
    expect(await page.$eval('#schedule-name', (e: any) => e.value)).toBe('Too eager');
    expect((await rowsOf()).map((r) => r.id)).toEqual([scheduleId]);
    // The previews' throwaway Temporal Schedules are gone too.
    await waitFor('no preview schedule left', async () => {
      for await (const s of stack.worker.client.schedule.list()) if (s.scheduleId.startsWith('generation-schedule-preview-')) return undefined;
      return true;
    });
  });

  it('refuses a bad field with the API\'s message and a bad cron with Temporal\'s', async () => {
    await go(page, '/schedules/new');
    await page.type('#schedule-name', 'Bad count');
    await page.$eval('#article-count', (e: any) => void (e.value = '0'));
    await page.$eval('#new-schedule', (f: any) => f.setAttribute('novalidate', ''));
    await submit(page, '#create-schedule');
    expect(await textOf(page, '#schedule-error')).toBe('articleCount must be at least 1');

    // The API's other refusals come back beside the form too: an ingredient deleted meanwhile, the account's limit.
    const gone = (await createArticleSetting(stack.database.db, account.accountId, { name: 'Soon gone', prompt: 'x' })).id;
    await go(page, '/schedules/new');
    await page.type('#schedule-name', 'Gone setting');
    await page.select('#articleSettingId', String(gone));
    await deleteResource(stack.database.db, 'articleSetting', account.accountId, gone);
    await submit(page, '#create-schedule');
    expect(await textOf(page, '#schedule-error')).toBe(`These no longer exist: Article setting ${gone}. Choose others or leave the field empty.`);
    await updateAccountLimits(stack.database.db, account.accountId, { maxSchedules: 1 }, DEFAULT_LIMITS);
    await page.select('#articleSettingId', '');
    await submit(page, '#create-schedule');
    expect(await textOf(page, '#schedule-error')).toBe('This account already has 1 schedules, the most it may have; delete one first.');
    await updateAccountLimits(stack.database.db, account.accountId, { maxSchedules: null }, DEFAULT_LIMITS);

    await clearInput(page, '#cron');
    await page.type('#cron', 'not a cron');
    await waitForPreview('spec-error');
    expect(await textOf(page, '#spec-error')).toBe('A cron expression has 5 fields (minute hour day month weekday), e.g. 0 9 * * 1.');
    expect((await rowsOf()).map((r) => r.id)).toEqual([scheduleId]);
  });

  it('pauses and resumes, and the list shows the state Temporal has', async () => {
    await go(page, '/schedules');
    await submit(page, `form[action="/schedules/${scheduleId}/pause"] button`);
    expect(await textOf(page, '.notice')).toBe('Schedule Weekly digest paused.');
    expect(await page.$eval(`${row(scheduleId)} .schedule-state`, (e) => e.getAttribute('data-state'))).toBe('paused');
    expect((await describeSchedule(scheduleId)).state.paused).toBe(true);
    expect(await page.$(`form[action="/schedules/${scheduleId}/pause"]`)).toBeNull();
    // A paused schedule starts nothing: no next runs listed, the cell says why.
    expect(await page.$$(`${row(scheduleId)} .next-runs time`)).toHaveLength(0);
    expect(await textOf(page, `${row(scheduleId)} .next-runs`)).toBe('None while paused');

    await submit(page, `form[action="/schedules/${scheduleId}/unpause"] button`);
    expect(await textOf(page, '.notice')).toBe('Schedule Weekly digest resumed.');
    expect(await page.$eval(`${row(scheduleId)} .schedule-state`, (e) => e.getAttribute('data-state'))).toBe('active');
    expect((await describeSchedule(scheduleId)).state.paused).toBe(false);
    expect((await page.$$(`${row(scheduleId)} .next-runs time`)).length).toBeGreaterThan(0);
  });

  it('runs a schedule now: its task appears under Tasks and completes against the LLM stub', async () => {
    expect(await tasksOf()).toEqual([]);
    await submit(page, `form[action="/schedules/${scheduleId}/trigger"] button`);
    expect(await textOf(page, '.notice')).toContain('Schedule Weekly digest runs now');
    const [taskId] = await waitFor('the run\'s task', async () => ((await tasksOf()).length === 1 ? tasksOf() : undefined), 60_000);
    await go(page, '/tasks');
    await waitForText(page, `tr[data-task-row="${taskId}"] .status`, 'completed');
    expect(await textOf(page, `tr[data-task-row="${taskId}"] .bar span`)).toBe('100 % (2/2)');

    await go(page, '/schedules');
    expect(await page.$$eval(`${row(scheduleId)} .last-runs a`, (as) => as.map((a) => a.getAttribute('href')))).toEqual([`/tasks/${taskId}`]);
  });

  it('lets a read key see the schedules without buttons, and refuses its POSTs', async () => {
    const readKey = await createApiKey(stack.database.db, account.accountId, { scope: 'read' });
    const context = await browser.createBrowserContext();
    const reader = await newPage(context, 'zh-CN,zh;q=0.9');
    try {
      await signIn(reader, readKey.apiKey);
      await go(reader, '/schedules');
      expect(await textOf(reader, 'h1')).toBe('定时任务');
      expect(await textOf(reader, `${row(scheduleId)} .schedule-spec`)).toBe('每周一 09:00 · UTC');
      expect(await reader.$('#schedules form, #new-schedule-link, a[href$="/delete"]')).toBeNull();
      await screenshot(reader, 'schedules-read-only-zh');
      const token = await reader.$eval('input[name="_csrf"]', (e: any) => e.value);
      const statuses = await reader.evaluate(async (csrf, id) => {
        const post = async (path: string) => (await fetch(path, { method: 'POST', body: new URLSearchParams({ _csrf: csrf, name: 'x', when: 'daily', timezone: 'UTC', articleCount: '1' }) })).status;
        return [await post(`/schedules/${id}/pause`), await post(`/schedules/${id}/delete`), await post('/schedules'), await post('/schedules/preview')];
      }, token, scheduleId);
      expect(statuses).toEqual([403, 403, 403, 403]);
      expect((await go(reader, '/schedules/new'))?.status()).toBe(403);
      expect((await go(reader, `/schedules/${scheduleId}/delete`))?.status()).toBe(403);
      expect((await describeSchedule(scheduleId)).state.paused).toBe(false);
      expect(await rowsOf()).toEqual([{ id: scheduleId, deleted: false }]);
    } finally {
      await context.close();
    }
  });

  it('asks before deleting, keeps the schedule when told to, then deletes it from the list and from Temporal', async () => {
    await go(page, '/schedules');
    await page.click(`${row(scheduleId)} a[href="/schedules/${scheduleId}/delete"]`);
    await page.waitForSelector('#delete-schedule');
    expect(await textOf(page, 'h1')).toBe('Delete schedule Weekly digest?');
    await screenshot(page, 'schedule-delete');
    await Promise.all([page.waitForNavigation({ waitUntil: 'domcontentloaded' }), page.click('#delete-schedule a')]);
    expect(await page.$(row(scheduleId))).not.toBeNull();
    expect(await rowsOf()).toEqual([{ id: scheduleId, deleted: false }]);

    await page.click(`${row(scheduleId)} a[href="/schedules/${scheduleId}/delete"]`);
    await page.waitForSelector('#delete-schedule');
    await submit(page, '#delete-schedule button');
    expect(new URL(page.url()).pathname).toBe('/schedules');
    expect(await textOf(page, '.notice')).toBe('Schedule deleted.');
    expect(await page.$(row(scheduleId))).toBeNull();
    expect(await rowsOf()).toEqual([{ id: scheduleId, deleted: true }]);
    await expect(describeSchedule(scheduleId)).rejects.toBeInstanceOf(ScheduleNotFoundError);
    // The run's task stays.
    expect(await tasksOf()).toHaveLength(1);
  });
});
