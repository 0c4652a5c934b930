import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/domain/accounts/index.js';
import { describeViolations, wcagViolations } from '../support/axe.js';
import { launchBrowser, newPage, submit, textOf } from '../support/browser.js';
import { newAccount, seedDistillations } from '../support/db.js';
import { useTestStack } from '../support/stack.js';

/**
 * The console's prompt templates in a real Chromium over the real stack: presets listed and copied,
 * the copy edited (a bad placeholder refused with its position), its unsaved text previewed, the
 * preview against a chosen distillation, the new-task and new-schedule forms' picker and the task
 * page's rendered prompt; zh and en, axe clean; a read key that can only look.
 */
const stack = useTestStack();
let browser: Browser;
let account: Awaited<ReturnType<typeof newAccount>>;

const go = (p: Page, path: string) => p.goto(`${stack.api.url}${path}`, { waitUntil: 'domcontentloaded' });

async function signedIn(key: string, lang: string) {
  const context = await browser.createBrowserContext();
  const page = await newPage(context, lang);
  await page.setBypassCSP(true);
  await go(page, '/sign-in');
  await page.type('#api-key', key);
  await submit(page, 'form[action="/sign-in"] button');
  return page;
}

async function expectAxeClean(page: Page, where: string) {
  const violations = await wcagViolations(page);
  expect(violations, describeViolations(where, violations)).toEqual([]);
}

beforeAll(async () => {
  browser = await launchBrowser();
  account = await newAccount(stack.database);
  await seedDistillations(stack.database, account.accountId, [{ keyword: 'solar roof', topics: ['How much?', 'How long?'] }]);
});
afterAll(async () => {
  await browser?.close();
});

describe('prompt templates in the web console', () => {
  it('copies a preset, refuses a bad placeholder with its position, saves a revision and previews it (en, axe clean)', async () => {
    const page = await signedIn(account.apiKey, 'en');
    await go(page, '/templates');
    expect(await textOf(page, 'h1')).toBe('Prompt templates');
    expect(await textOf(page, '#preset-templates')).toContain('FAQ (English)');
    expect(await textOf(page, '#preset-templates')).toContain('FAQ (Chinese)');
    await expectAxeClean(page, '/templates (en)');

    await submit(page, '#preset-templates button[aria-label="Copy FAQ (English)"]');
    expect(await textOf(page, '.notice')).toBe('Copied. Edit your copy below.');
    await expectAxeClean(page, 'template detail (en)');

    await page.$eval('#template-user', (e: any) => void (e.value = 'About {{keyword}}\nPrice: {{price}}\n{{topics}}'));
    await submit(page, '#template-form button[type="submit"]:not([formaction])');
    expect(await textOf(page, '#template-problems')).toContain('unknown placeholder {{price}} at user part, line 2, column 8');
    await expectAxeClean(page, 'template with problems (en)');

    await page.$eval('#template-user', (e: any) => void (e.value = 'About {{keyword}} in {{language}}\n{{topics}}'));
    await submit(page, '#preview-draft');
    expect(await textOf(page, '.prompt-preview')).toContain('About solar roof in English');
    await submit(page, '#template-form button[type="submit"]:not([formaction])');
    expect(await textOf(page, '.notice')).toBe('Saved as revision 2.');
    expect(await textOf(page, '#template-revisions')).toContain('Revision 2');

    await submit(page, '#preview-form button');
    const preview = await textOf(page, '.prompt-preview');
    expect(preview).toContain('=== KEYWORD ===\nsolar roof');
    expect(preview).toContain('1. How much?');
  });

  it('the new-task page picks a template and shows the prompt of the first distillation it would pick; new schedule picks one too (zh, axe clean)', async () => {
    const page = await signedIn(account.apiKey, 'zh');
    await go(page, '/templates');
    expect(await textOf(page, 'h1')).toBe('提示词模板');
    expect(await textOf(page, '#preset-templates')).toContain('常见问题（英文）');
    await expectAxeClean(page, '/templates (zh)');
    await go(page, '/tasks/new');
    expect(await page.$$eval('#task-template option', (os) => os.length)).toBeGreaterThan(12);
    await page.click('#first-prompt summary');
    expect(await textOf(page, '#first-prompt')).toContain('solar roof');
    await expectAxeClean(page, '/tasks/new (zh)');
    await go(page, '/schedules/new');
    expect(await page.$$eval('#schedule-template option', (os) => os.length)).toBeGreaterThan(12);
    await expectAxeClean(page, '/schedules/new (zh)');
  });

  it('a read key sees templates and previews, gets no forms, and its posts are refused', async () => {
    const read = await createApiKey(stack.database.db, account.accountId, { scope: 'read', name: null });
    const page = await signedIn(read.apiKey, 'en');
    await go(page, '/templates');
    expect(await page.$('#preset-templates button')).toBeNull();
    expect(await page.$('#new-template-link')).toBeNull();
    const presetLink = await page.$eval('#preset-templates a', (a: any) => a.getAttribute('href') as string);
    await go(page, presetLink);
    expect(await page.$('#template-form')).toBeNull();
    expect(await textOf(page, '#template-user-text')).toContain('{{topics}}');
    await submit(page, '#preview-form button');
    expect(await textOf(page, '.prompt-preview')).toContain('solar roof');
    await expectAxeClean(page, 'preset as a read key (en)');
    const status = await page.evaluate(`(async () => {
      const csrf = document.querySelector('input[name="_csrf"]')?.value ?? '';
      const r = await fetch(${JSON.stringify(presetLink + '/copy')}, { method: 'POST', body: new URLSearchParams({ _csrf: csrf }) });
      return r.status;
    })()`);
    expect(status).toBe(403);
  });
});
