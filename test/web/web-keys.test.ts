import { eq } from 'drizzle-orm';
import type { Browser, BrowserContext, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiKeys, topics } from '../../src/db/schema.js';
import { createApiKey, hashApiKey } from '../../src/domain/accounts/index.js';
import { describeAccountLimits } from '../../src/domain/limits/account-limits.js';
import { DEFAULT_LIMITS } from '../../src/config.js';
import { callJson } from '../support/api-server.js';
import { clearInput, launchBrowser, newPage, screenshot, submit, textOf } from '../support/browser.js';
import { distillationCounts, newAccount, seedDistillations } from '../support/db.js';
import { useApiWithoutWorker } from '../support/stack.js';

/** Keys, accounts and distillation edits in the console, in a real Chromium, and the audit rows they leave. */

const stack = useApiWithoutWorker();
const { database } = stack;

let browser: Browser;
let operator: Awaited<ReturnType<typeof newAccount>>;
let page: Page;
const contexts: BrowserContext[] = [];
/** The read key created in the first test, signed in in its own browser context in the second. */
let readKey = '';
let readKeyId = 0;

const url = (path: string) => `${stack.api.url}${path}`;
const path = (p: Page) => new URL(p.url()).pathname;

async function signIn(p: Page, key: string) {
  await p.goto(url('/sign-in'), { waitUntil: 'domcontentloaded' });
  await p.type('#api-key', key);
  await submit(p, 'form[action="/sign-in"] button');
}

/** A page in a browser context of its own: its own cookies, so its own session. */
async function separatePage(lang = 'en') {
  const context = await browser.createBrowserContext();
  contexts.push(context);
  return newPage(context, lang);
}

/** A console form POST sent from inside the page with its session's CSRF token (what a crafted form would do). */
async function postFromPage(p: Page, action: string, fields: Record<string, string>) {
  const csrf = await p.$eval('input[name="_csrf"]', (e: any) => e.value as string);
  return p.evaluate(async (target, body) => (await fetch(target, { method: 'POST', body: new URLSearchParams(body) })).status, action, { _csrf: csrf, ...fields });
}

/** The page at 375 px wide scrolls no wider than the screen (tables scroll inside their own box). */
async function fitsIn375(p: Page, name: string) {
  await p.setViewport({ width: 375, height: 800 });
  expect(await p.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(375);
  await screenshot(p, name);
  await p.setViewport({ width: 1200, height: 900 });
}

const auditRows = (prefix: string) =>
  database.sql<{ account_id: number | null; method: string; route: string | null; status: number; target_ids: Record<string, unknown>; request_id: string; client_ip: string | null }[]>`
    SELECT account_id, method, route, status, target_ids, request_id, client_ip FROM audit_events WHERE key_prefix = ${prefix} ORDER BY id`;
const actions = (rows: Awaited<ReturnType<typeof auditRows>>) => rows.map((r) => ({ route: r.route, status: r.status, targetIds: r.target_ids }));

beforeAll(async () => {
  browser = await launchBrowser();
  operator = await newAccount(database, { scope: 'operator' });
  page = await newPage(browser);
});
afterAll(async () => {
  for (const context of contexts) await context.close();
  await browser?.close();
});

describe('keys and accounts in the console', () => {
  it('creates a read key and shows its secret once: a reload shows no key and creates none', async () => {
    await signIn(page, operator.apiKey);
    await page.goto(url('/keys'), { waitUntil: 'domcontentloaded' });
    expect(await page.$$eval('#keys tbody tr', (trs) => trs.length)).toBe(1);
    expect(await textOf(page, '#keys tbody tr')).toContain('signed in with this key');
    await screenshot(page, 'keys');
    await fitsIn375(page, 'keys-375px');

    await page.select('#key-scope', 'read');
    await page.type('#key-name', 'dashboard');
    await page.type('#key-expiry', '30');
    await submit(page, '#new-key button');
    expect(path(page)).toBe('/keys/created');
    readKey = await page.$eval('#secret', (e: any) => e.value as string);
    expect(readKey).toMatch(/^ak_[\w-]{32}$/);
    const [stored] = await database.db.select().from(apiKeys).where(eq(apiKeys.keyHash, hashApiKey(readKey)));
    expect(stored).toMatchObject({ accountId: operator.accountId, scope: 'read', name: 'dashboard', prefix: readKey.slice(0, 8), revokedAt: null });
    expect(stored!.expiresAt).not.toBeNull();
    readKeyId = stored!.id;
    await page.browserContext().overridePermissions(stack.api.url, ['clipboard-read', 'clipboard-sanitized-write']);
    await page.click('button[data-copy]');
    await page.waitForFunction('document.getElementById("secret-copied").textContent === "Copied."');
    expect(await page.evaluate('navigator.clipboard.readText()')).toBe(readKey);
    await screenshot(page, 'key-created');
    await fitsIn375(page, 'key-created-375px');

    await page.reload({ waitUntil: 'domcontentloaded' });
    expect(path(page)).toBe('/keys');
    expect(await page.content()).not.toContain(readKey);
    expect(await textOf(page, '.notice')).toContain('shown once');
    expect(await page.$$eval('#keys tbody tr', (trs) => trs.length)).toBe(2);
    expect((await page.cookies()).map((c) => c.name)).not.toContain('artgen_shown_once');
    await page.goBack({ waitUntil: 'domcontentloaded' });
    expect(await page.content()).not.toContain(readKey);
    expect(await database.db.$count(apiKeys, eq(apiKeys.accountId, operator.accountId))).toBe(2);
  });

  it('signs the read key in elsewhere without buttons or account pages, and revoking it from here signs that browser out', async () => {
    const reader = await separatePage();
    await signIn(reader, readKey);
    expect(path(reader)).toBe('/distillations');
    expect(await reader.$('a[href="/admin/accounts"]')).toBeNull();
    await reader.goto(url('/keys'), { waitUntil: 'domcontentloaded' });
    expect(await reader.$('#new-key')).toBeNull();
    expect(await reader.$('a[href$="/revoke"]')).toBeNull();
    expect(await postFromPage(reader, '/keys', { scope: 'read' })).toBe(403);
    const forbidden = await reader.goto(url('/admin/accounts'), { waitUntil: 'domcontentloaded' });
    expect(forbidden!.status()).toBe(403);
    expect(await textOf(reader, 'main')).toContain('operator keys');

    await page.goto(url('/keys'), { waitUntil: 'domcontentloaded' });
    await submit(page, `tr[data-key-id="${readKeyId}"] a[href$="/revoke"]`);
    expect(path(page)).toBe(`/keys/${readKeyId}/revoke`);
    expect(await page.$('#revoke-self')).toBeNull();
    await screenshot(page, 'key-revoke-confirm');
    await submit(page, '#revoke-key button');
    expect(await textOf(page, '.notice')).toBe(`Key ${readKey.slice(0, 8)}… was revoked.`);
    expect(await page.$eval(`tr[data-key-id="${readKeyId}"]`, (tr) => tr.getAttribute('data-revoked'))).toBe('true');

    await reader.goto(url('/distillations'), { waitUntil: 'domcontentloaded' });
    expect(path(reader)).toBe('/sign-in');
  });

  it('says before revoking the key a session is signed in with, and signs that session out', async () => {
    const own = await createApiKey(database.db, operator.accountId, { scope: 'write', name: 'laptop' });
    const p = await separatePage();
    await signIn(p, own.apiKey);
    await p.goto(url(`/keys/${own.keyId}/revoke`), { waitUntil: 'domcontentloaded' });
    expect(await textOf(p, '#revoke-self')).toContain('signs you out');
    await submit(p, '#revoke-key button');
    expect(path(p)).toBe('/sign-in');
    await p.goto(url('/keys'), { waitUntil: 'domcontentloaded' });
    expect(path(p)).toBe('/sign-in');
    expect(await auditRows(own.prefix).then(actions)).toEqual([
      { route: '/sign-in', status: 303, targetIds: {} },
      { route: '/keys/:id/revoke', status: 303, targetIds: { id: own.keyId } },
    ]);
  });

  it('lets an operator create an account (first key shown once) and set its limits with the API rules', async () => {
    await page.goto(url('/admin/accounts'), { waitUntil: 'domcontentloaded' });
    // Other test files make accounts at the same time: the list's first page holds the newest.
    expect((await page.$$('tr[data-account-id]')).length).toBeGreaterThan(0);
    await screenshot(page, 'admin-accounts');
    await page.type('#account-name', 'Editorial team');
    await submit(page, '#new-account button');
    expect(path(page)).toBe('/admin/accounts/created');
    const firstKey = await page.$eval('#secret', (e: any) => e.value as string);
    const [key] = await database.db.select().from(apiKeys).where(eq(apiKeys.keyHash, hashApiKey(firstKey)));
    expect(key!.scope).toBe('write');
    const accountId = key!.accountId;
    expect(await textOf(page, 'h1')).toBe(`Account ${accountId} (Editorial team) created`);
    await screenshot(page, 'account-created');
    await page.reload({ waitUntil: 'domcontentloaded' });
    expect(path(page)).toBe('/admin/accounts');
    expect(await page.content()).not.toContain(firstKey);
    expect(await page.$(`tr[data-account-id="${accountId}"]`), 'the new account is on the first page').not.toBeNull();

    await page.goto(url(`/admin/accounts/${accountId}/limits`), { waitUntil: 'domcontentloaded' });
    await page.type('#limit-maxRunningTasks', '3');
    await page.type('#limit-maxPriority', '15');
    await submit(page, '#limits button');
    expect(await textOf(page, '#limits .error')).toContain('maxPriority must be at most 10');
    expect((await describeAccountLimits(database.db, accountId, DEFAULT_LIMITS)).overrides).toEqual({});

    await clearInput(page, '#limit-maxPriority');
    await page.type('#limit-maxPriority', '5');
    await submit(page, '#limits button');
    expect(await textOf(page, '.notice')).toBe('Limits saved.');
    expect(await textOf(page, '[data-effective="maxRunningTasks"]')).toBe('Applies now: 3');
    await screenshot(page, 'account-limits');
    await fitsIn375(page, 'account-limits-375px');
    const viaApi = await callJson(stack.api.url, 'GET', `/api/admin/accounts/${accountId}/limits`, operator.apiKey);
    expect(viaApi.body).toEqual(await describeAccountLimits(database.db, accountId, DEFAULT_LIMITS));
    expect(viaApi.body.overrides).toEqual({ maxRunningTasks: 3, maxPriority: 5 });

    await clearInput(page, '#limit-maxRunningTasks');
    await submit(page, '#limits button');
    expect((await describeAccountLimits(database.db, accountId, DEFAULT_LIMITS)).overrides).toEqual({ maxPriority: 5 });

    const sent = await auditRows(operator.apiKey.slice(0, 8));
    expect(actions(sent).filter((r) => r.route?.startsWith('/admin'))).toEqual([
      { route: '/admin/accounts', status: 303, targetIds: { accountId, keyId: key!.id } },
      { route: '/admin/accounts/:id/limits', status: 400, targetIds: { id: accountId } },
      { route: '/admin/accounts/:id/limits', status: 303, targetIds: { id: accountId } },
      { route: '/admin/accounts/:id/limits', status: 303, targetIds: { id: accountId } },
    ]);
  });
});

describe('distillations in the console', () => {
  it('edits topics and deletes after a confirmation: usage kept, gone from the list, the selectable count drops', async () => {
    const [used, bare, other] = await seedDistillations(database, operator.accountId, [
      { keyword: 'tea', usageCount: 4 },
      { keyword: 'coffee', topics: [] },
      { keyword: 'water' },
    ]);
    await page.goto(url('/distillations'), { waitUntil: 'domcontentloaded' });
    expect(await textOf(page, '#selectable')).toContain('2 distillations can be used');

    await submit(page, `a[href="/distillations/${bare}/edit"]`);
    expect(await textOf(page, 'h1')).toBe(`Distillation ${bare}: coffee`);
    await page.$eval('#edit-topics-text', (e: any, long) => void (e.value = long), 'x'.repeat(501));
    await submit(page, '#edit-topics button');
    expect(await textOf(page, '#edit-topics .error')).toContain('a topic must be at most 500 characters');
    await clearInput(page, '#edit-topics-text');
    await page.type('#edit-topics-text', 'How is coffee roasted?\n\nWhy decaf?');
    await screenshot(page, 'distillation-edit');
    await submit(page, '#edit-topics button');
    expect(await textOf(page, '.notice')).toBe(`Topics of distillation ${bare} saved.`);
    expect(await textOf(page, '#selectable')).toContain('3 distillations can be used');
    const saved = await database.db.select({ q: topics.question }).from(topics).where(eq(topics.distillationId, bare!)).orderBy(topics.position);
    expect(saved.map((r) => r.q)).toEqual(['How is coffee roasted?', 'Why decaf?']);

    await submit(page, `a[href="/distillations/${used}/delete"]`);
    expect(await textOf(page, '#delete-distillation')).toContain('Used: 4');
    await screenshot(page, 'distillation-delete-confirm');
    expect(await database.sql`SELECT 1 FROM distillations WHERE id = ${used!} AND deleted_at IS NOT NULL`).toHaveLength(0);
    await submit(page, '#delete-distillation button');
    expect(await textOf(page, '.notice')).toBe(`Distillation ${used} deleted.`);
    expect(await page.$(`tr[data-distillation-id="${used}"]`)).toBeNull();
    expect(await page.$(`tr[data-distillation-id="${other}"]`)).not.toBeNull();
    expect(await textOf(page, '#selectable')).toContain('2 distillations can be used');
    expect((await distillationCounts(database, [used!])).get(used!)).toEqual({ usage: 4, reserved: 0 });
    const list = await callJson(stack.api.url, 'GET', '/api/distillations', operator.apiKey);
    expect(list.body).toMatchObject({ total: 2, selectable: 2 });

    const rows = await auditRows(operator.apiKey.slice(0, 8));
    expect(actions(rows).filter((r) => r.route?.startsWith('/distillations'))).toEqual([
      { route: '/distillations/:id/topics', status: 400, targetIds: { id: bare } },
      { route: '/distillations/:id/topics', status: 303, targetIds: { id: bare } },
      { route: '/distillations/:id/delete', status: 303, targetIds: { id: used } },
    ]);
  });
});

describe('console writes in the audit trail', () => {
  it('records every signed-in or refused console POST like an API write: route pattern, ids, status, request id, address; no form content, no key', async () => {
    const rows = await auditRows(operator.apiKey.slice(0, 8));
    expect(actions(rows).filter((r) => !r.route?.startsWith('/distillations') && !r.route?.startsWith('/admin'))).toEqual([
      { route: '/sign-in', status: 303, targetIds: {} },
      { route: '/keys', status: 303, targetIds: { keyId: readKeyId } },
      { route: '/keys/:id/revoke', status: 303, targetIds: { id: readKeyId } },
    ]);
    for (const row of rows) expect(row).toMatchObject({ account_id: operator.accountId, method: 'POST', client_ip: '127.0.0.1', request_id: expect.stringMatching(/^[\w-]{20,}$/) });
    expect(actions(await auditRows(readKey.slice(0, 8)))).toEqual([
      { route: '/sign-in', status: 303, targetIds: {} },
      { route: '/keys', status: 403, targetIds: {} },
    ]);

    const p = await separatePage();
    await signIn(p, 'ak_wrongkey_000000000000000000000000');
    expect(await textOf(p, '.error')).toContain('unknown');
    const refused = await auditRows('ak_wrong');
    expect(refused.map((r) => ({ account: r.account_id, route: r.route, status: r.status }))).toEqual([{ account: null, route: '/sign-in', status: 400 }]);

    await signIn(p, operator.apiKey);
    await p.goto(url('/distillations'), { waitUntil: 'domcontentloaded' });
    const forged = await p.evaluate(async () => (await fetch('/distillations', { method: 'POST', body: new URLSearchParams({ _csrf: 'forged', keyword: 'kw', topics: 'q' }) })).status);
    expect(forged).toBe(403);
    const last = (await auditRows(operator.apiKey.slice(0, 8))).at(-1)!;
    expect({ route: last.route, status: last.status }).toEqual({ route: '/distillations', status: 403 });

    const stored = JSON.stringify(await database.sql`SELECT * FROM audit_events WHERE account_id = ${operator.accountId}`);
    for (const secret of [readKey, operator.apiKey, 'How is coffee roasted', 'Editorial team', 'dashboard']) expect(stored).not.toContain(secret);
  });
});
