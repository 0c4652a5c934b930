import type { Browser, BrowserContext, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/domain/accounts/index.js';
import { NAV_GROUPS } from '../../src/web/nav/nav-entries.js';
import { runArticleTask } from '../support/article-tasks.js';
import { describeViolations, wcagViolations } from '../support/axe.js';
import { launchBrowser, newPage, screenshot, submit, textOf } from '../support/browser.js';
import { newAccount } from '../support/db.js';
import { keywordOf } from '../support/llm-stub.js';
import { useTestStack } from '../support/stack.js';

/**
 * Issue 19's console: the home page's figures and charts (the numbers the database holds, drawn as SVG with a
 * table behind each), the grouped navigation at 1200 px and folded at 375 px, and the audit and stats pages,
 * in English and Chinese, axe clean.
 */

const stack = useTestStack();
const { database } = stack;
const contexts: BrowserContext[] = [];
let browser: Browser;
let writer: Awaited<ReturnType<typeof newAccount>>;
let admin: { apiKey: string; keyId: number };
let operator: Awaited<ReturnType<typeof newAccount>>;
let empty: Awaited<ReturnType<typeof newAccount>>;
const today = new Date().toISOString().slice(0, 10);

const go = (p: Page, path: string) => p.goto(`${stack.api.url}${path}`, { waitUntil: 'load' });
const at = (p: Page) => new URL(p.url()).pathname;

async function signedIn(key: string, lang: 'en' | 'zh-CN') {
  const context = await browser.createBrowserContext();
  contexts.push(context);
  const p = await newPage(context, lang);
  await p.setBypassCSP(true);
  await go(p, '/sign-in');
  await p.type('#api-key', key);
  await submit(p, 'form[action="/sign-in"] button');
  return p;
}

async function expectAxeClean(p: Page, where: string) {
  const violations = await wcagViolations(p);
  expect(violations.length, describeViolations(where, violations)).toBe(0);
}

/** The rows of a chart's table: day -> the series' cells as text. */
async function chartTable(p: Page, id: string) {
  return p.$$eval(`#chart-${id}-table tbody tr`, (trs) => Object.fromEntries(trs.map((tr) => [tr.querySelector('th')!.textContent, [...tr.querySelectorAll('td')].map((td) => td.textContent)])));
}

beforeAll(async () => {
  writer = await newAccount(database);
  operator = await newAccount(database, { scope: 'operator' });
  empty = await newAccount(database);
  admin = await createApiKey(database.db, writer.accountId, { scope: 'admin', name: 'dashboard admin' });
  expect((await stack.api.call('PUT', '/api/quality-settings', writer.apiKey, { bannedWords: ['forbidden'] })).status).toBe(200);
  // Alpha is written, Gamma saved with a quality flag, Broken refused by the model (a 400: not retried).
  stack.stub.setBehavior((req) => {
    const k = keywordOf(req);
    if (k === 'Gamma') return { content: '# Gamma\n\nGamma is a forbidden word here.' };
    if (k === 'Broken') return { status: 400 };
    return {};
  });
  await runArticleTask(stack.api.url, writer.apiKey, ['Alpha', 'Gamma', 'Broken'], { autoApprove: false });
  stack.stub.setBehavior(() => ({}));
  // Two more requests recorded with their cost, beside the ones the model router recorded for the task above.
  await database.sql`
    INSERT INTO llm_attempts (account_id, task_id, position, model_id, outcome, prompt_tokens, completion_tokens, cost_pico, currency)
    VALUES (${writer.accountId}, NULL, NULL, 'offline', 'ok', 1200, 800, 2500000000000, 'USD'),
           (${writer.accountId}, NULL, NULL, 'offline', 'failed', 300, 0, 0, 'USD')`;
  // A delivery waiting two hours for its receiver (its workflow "started", so no sweeper sends it meanwhile).
  const hook = await stack.api.call('POST', '/api/webhooks', writer.apiKey, { url: 'http://127.0.0.1:9/dashboard-receiver', events: ['task.timeout'] });
  expect(hook.status, hook.text).toBe(201);
  await database.sql`
    INSERT INTO webhook_deliveries (account_id, webhook_id, message_id, event_type, payload, status, workflow_started_at, created_at, updated_at)
    VALUES (${writer.accountId}, ${hook.body.id}, ${`msg_dashboard_${writer.accountId}`}, 'task.timeout', '{}'::jsonb, 'pending',
            now() - interval '2 hours', now() - interval '2 hours', now() - interval '2 hours')`;
  browser = await launchBrowser();
}, 120_000);
afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => undefined);
  await browser?.close();
});

describe('the console home', () => {
  it('opens at / for a signed-in key and shows what the database holds: backlog, error rate, today\'s bars, in English', async () => {
    const p = await signedIn(writer.apiKey, 'en');
    await go(p, '/');
    expect(at(p)).toBe('/dashboard');
    expect(await textOf(p, 'h1')).toBe('Dashboard');
    const [pending] = await database.sql`SELECT count(*)::int AS n FROM articles WHERE account_id = ${writer.accountId} AND review_status = 'pending_review' AND deleted_at IS NULL`;
    expect(pending!.n).toBe(2);
    expect(await textOf(p, '#fig-review .fig-value')).toBe('2');
    expect(await textOf(p, '#fig-running .fig-value')).toBe('0');
    const [requests] = await database.sql`SELECT count(*) FILTER (WHERE outcome = 'failed')::int AS failed, count(*)::int AS n FROM llm_attempts WHERE account_id = ${writer.accountId}`;
    expect(requests!.failed).toBeGreaterThan(0);
    expect(await textOf(p, '#fig-llm-errors .fig-value')).toBe(`${((100 * requests!.failed) / requests!.n).toFixed(1)} %`);
    expect(await textOf(p, '#fig-webhooks .fig-value')).toBe('1');
    expect(await p.$eval('#fig-webhooks time', (e) => e.firstChild!.textContent)).toBe('2 h ago');
    const articles = await chartTable(p, 'articles');
    expect(Object.keys(articles)).toHaveLength(14);
    expect(articles[today]).toEqual(['2', '1', '1']);
    const tokens = await chartTable(p, 'tokens');
    const [sum] = await database.sql`SELECT sum(prompt_tokens + completion_tokens)::int AS n FROM llm_attempts WHERE account_id = ${writer.accountId}`;
    expect(sum!.n).toBeGreaterThan(2300);
    expect(tokens[today]).toEqual([String(sum!.n)]);
    expect((await chartTable(p, 'cost'))[today]).toEqual(['2.5']);
    // The picture is for the eyes: hidden from screen readers, which read the table; 14 days x 3 series of bars.
    expect(await p.$eval('#chart-articles svg', (s) => s.getAttribute('aria-hidden'))).toBe('true');
    expect(await p.$$eval('#chart-articles svg rect', (rs) => rs.length)).toBe(42);
    expect(await p.$('#dashboard-empty')).toBeNull();
    await expectAxeClean(p, 'dashboard (en) at 1200 px');
    await screenshot(p, 'dashboard');
    await p.setViewport({ width: 375, height: 800 });
    expect(await p.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(375);
    await expectAxeClean(p, 'dashboard (en) at 375 px');
    await screenshot(p, 'dashboard-375px');
  });

  it('says the same in Chinese, and an account with nothing yet is told what to do next', async () => {
    const p = await signedIn(writer.apiKey, 'zh-CN');
    await go(p, '/dashboard');
    expect(await textOf(p, 'h1')).toBe('概览');
    expect(await textOf(p, '#chart-articles-title')).toBe('每天的文章数（最近 14 天）');
    expect(await p.$$eval('#chart-articles-table thead th', (ths) => ths.map((th) => th.textContent))).toEqual(['日期（UTC）', '已保存', '失败', '被标记']);
    expect((await chartTable(p, 'articles'))[today]).toEqual(['2', '1', '1']);
    await expectAxeClean(p, 'dashboard (zh)');
    await screenshot(p, 'dashboard-zh');
    const fresh = await signedIn(empty.apiKey, 'zh-CN');
    await go(fresh, '/dashboard');
    expect(await textOf(fresh, '#dashboard-empty p')).toContain('先添加蒸馏结果，再新建任务');
    expect(await fresh.$$eval('#dashboard-empty a', (as) => as.map((a) => a.getAttribute('href')))).toEqual(['/distillations', '/tasks/new']);
    expect(await textOf(fresh, '#fig-llm-errors .fig-value')).toBe('没有请求');
    expect(await textOf(fresh, '#tokens-source')).toBe('已保存文章的 Token（尚无逐次请求的记录）。');
    await expectAxeClean(fresh, 'dashboard, empty (zh)');
    // Every empty list says what to do next.
    for (const [path, selector, href] of [['/distillations', '#distillations-empty', '/distillations/runs'], ['/articles', '#articles-empty', '/tasks/new'], ['/tasks', '#tasks .empty', '/tasks/new']]) {
      await go(fresh, path!);
      expect(await fresh.$eval(`${selector} a`, (a) => a.getAttribute('href')), path).toBe(href);
      expect(await textOf(fresh, selector!), path).not.toBe('暂无数据。');
    }
    await expectAxeClean(fresh, 'tasks, empty (zh)');
    await screenshot(fresh, 'tasks-empty-zh');
  });
});

describe('the grouped navigation', () => {
  const groupNames = (p: Page) => p.$$eval('nav.main-nav .nav-group-name', (ps) => ps.map((x) => (x as any).innerText));

  it('is a sidebar of four groups at 1200 px, marks the current page, and leaves out what the key may not use', async () => {
    for (const [lang, names] of [['en', ['CONTENT', 'GENERATION', 'SETTINGS', 'OPERATIONS']], ['zh-CN', ['内容', '生成', '设置', '运维']]] as const) {
      const p = await signedIn(admin.apiKey, lang);
      await go(p, '/tasks/1');
      expect(await groupNames(p)).toEqual(names);
      expect(await p.$eval('nav.main-nav', (n) => (n as any).offsetWidth > 0)).toBe(true);
      const hrefs = await p.$$eval('nav.main-nav a', (as) => as.map((a) => a.getAttribute('href')));
      const listed = NAV_GROUPS.flatMap((g) => g.entries).filter((e) => e.landed !== false && e.need !== 'operator').map((e) => e.href);
      expect(hrefs).toEqual(listed);
      expect(hrefs).toContain('/audit');
      expect(await p.$eval('nav.main-nav a[aria-current="page"]', (a) => a.getAttribute('href'))).toBe('/tasks');
      // Entries whose page has not landed yet are kept in the list but not linked.
      expect(hrefs).not.toContain('/models');
      await expectAxeClean(p, `sidebar (${lang}) at 1200 px`);
      await screenshot(p, lang === 'en' ? 'navigation-1200px' : 'navigation-1200px-zh');
    }
    const reader = await createApiKey(database.db, writer.accountId, { scope: 'read', name: 'nav reader' });
    const r = await signedIn(reader.apiKey, 'en');
    await go(r, '/dashboard');
    const readerLinks = await r.$$eval('nav.main-nav a', (as) => as.map((a) => a.getAttribute('href')));
    expect(readerLinks).not.toContain('/tasks/new');
    expect(readerLinks).not.toContain('/audit');
    expect(readerLinks).toContain('/dashboard');
    const o = await signedIn(operator.apiKey, 'en');
    await go(o, '/dashboard');
    expect(await o.$$eval('nav.main-nav a', (as) => as.map((a) => a.getAttribute('href')))).toContain('/admin/accounts');
  });

  it('folds behind a Menu button at 375 px that opens by keyboard, in both languages', async () => {
    for (const lang of ['en', 'zh-CN'] as const) {
      const p = await signedIn(writer.apiKey, lang);
      await p.setViewport({ width: 375, height: 800 });
      await go(p, '/articles');
      const visibleLinks = () => p.$$eval('nav.main-nav a', (as) => as.filter((a) => (a as any).offsetHeight > 0).length);
      expect(await visibleLinks()).toBe(0);
      expect(await p.$eval('label.nav-button', (l) => l.textContent!.trim())).toBe(lang === 'en' ? 'Menu' : '菜单');
      await expectAxeClean(p, `folded navigation (${lang})`);
      await screenshot(p, lang === 'en' ? 'navigation-375px' : 'navigation-375px-zh');
      // Tab from the top reaches the toggle; its focus shows on the button; Space opens the groups.
      await p.evaluate('document.activeElement?.blur()');
      let reached = false;
      for (let i = 0; i < 15 && !reached; i++) {
        await p.keyboard.press('Tab');
        reached = (await p.evaluate('document.activeElement?.id')) === 'nav-toggle';
      }
      expect(reached).toBe(true);
      expect(await p.evaluate("getComputedStyle(document.querySelector('label.nav-button')).outlineStyle")).toBe('solid');
      await p.keyboard.press('Space');
      expect(await visibleLinks()).toBeGreaterThanOrEqual(15);
      const boxes = await p.$$eval('nav.main-nav a', (as) => as.map((a) => a.getBoundingClientRect()).map((r) => ({ left: r.left, right: r.right, height: r.height })));
      for (const box of boxes) {
        expect(box.left).toBeGreaterThanOrEqual(0);
        expect(box.right).toBeLessThanOrEqual(375);
        expect(box.height).toBeGreaterThanOrEqual(32);
      }
      expect(await p.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(375);
      // The next Tab goes into the open list, and Enter follows a link.
      await p.keyboard.press('Tab');
      expect(await p.evaluate('document.activeElement?.getAttribute("href")')).toBe('/distillations');
      await expectAxeClean(p, `open navigation (${lang})`);
      await screenshot(p, lang === 'en' ? 'navigation-375px-open' : 'navigation-375px-open-zh');
      await Promise.all([p.waitForNavigation({ waitUntil: 'load' }), p.keyboard.press('Enter')]);
      expect(at(p)).toBe('/distillations');
    }
  });
});

describe('the audit and stats pages', () => {
  it('lists the account\'s audit trail for an admin, filtered by route, method, status, key and days, a page at a time', async () => {
    // Writes of the writer's key: 12 distillations created, one refused (400) and a delete of an unknown id (404).
    for (let i = 0; i < 12; i++) expect((await stack.api.call('POST', '/api/distillations', writer.apiKey, { keyword: `audit ${i}`, topics: ['Why?'] })).status).toBe(201);
    expect((await stack.api.call('POST', '/api/distillations', writer.apiKey, { keyword: '' })).status).toBe(400);
    expect((await stack.api.call('DELETE', '/api/distillations/999999999', writer.apiKey)).status).toBe(404);
    const p = await signedIn(admin.apiKey, 'en');
    await go(p, '/audit');
    expect(await textOf(p, 'h1')).toBe('Audit trail');
    const rows = () => p.$$eval('#audit tbody tr', (trs) => trs.map((tr) => ({ route: tr.querySelector('.audit-route')!.textContent, status: tr.querySelector('.audit-status')!.textContent, account: tr.querySelector('.audit-account')!.textContent })));
    expect((await rows()).every((r) => r.account === String(writer.accountId))).toBe(true);
    // Route, method and status (4xx): the two refusals.
    await p.type('#audit-route', '/api/distillations');
    await p.select('#audit-status', 'client');
    await submit(p, '#audit-filters button');
    expect(await rows()).toEqual([
      { route: 'DELETE /api/distillations/:id', status: '404', account: String(writer.accountId) },
      { route: 'POST /api/distillations', status: '400', account: String(writer.accountId) },
    ]);
    await p.select('#audit-method', 'POST');
    await submit(p, '#audit-filters button');
    expect((await rows()).map((r) => r.status)).toEqual(['400']);
    await expectAxeClean(p, 'audit, filtered (en)');
    // The writer's key prefix and 2xx: the 12 creates (and the task's writes), newest first, 50 a page.
    const [key] = await database.sql`SELECT prefix FROM api_keys WHERE account_id = ${writer.accountId} AND scope = 'write' ORDER BY id LIMIT 1`;
    await go(p, `/audit?key=${key!.prefix}&status=ok&route=/api/distillations&method=POST`);
    // The route is a prefix: the task's import is there too.
    const created = await rows();
    expect(created.filter((r) => r.route === 'POST /api/distillations')).toHaveLength(12);
    expect(created.filter((r) => r.route !== 'POST /api/distillations').map((r) => r.route)).toEqual(['POST /api/distillations/import']);
    // A day range that ends before today finds nothing and says what to do.
    await go(p, '/audit?to=2020-01-01');
    expect(await textOf(p, '#audit-empty')).toContain('Widen the time range');
    await go(p, `/audit?from=${today}&to=${today}&route=/api/distillations&method=POST&status=ok`);
    expect((await rows()).length).toBe(13);
    await screenshot(p, 'audit');
  });

  it('pages by keyset with Older events until the end, never repeating or skipping a row', async () => {
    for (let i = 0; i < 40; i++) expect((await stack.api.call('POST', '/api/distillations', writer.apiKey, { keyword: `paged ${i}`, topics: ['Why?'] })).status).toBe(201);
    const o = await signedIn(operator.apiKey, 'en');
    const [{ n }] = (await database.sql`SELECT count(*)::int AS n FROM audit_events WHERE account_id = ${writer.accountId}`) as unknown as [{ n: number }];
    expect(n).toBeGreaterThan(50);
    await go(o, `/audit?account=${writer.accountId}`);
    const seen: number[] = [];
    for (;;) {
      seen.push(...(await o.$$eval('#audit tbody tr', (trs) => trs.map((tr) => Number(tr.getAttribute('data-audit-id'))))));
      if (!(await o.$('#audit-older'))) break;
      await submit(o, '#audit-older');
      expect(await o.$('#audit-newest')).not.toBeNull();
    }
    const ids = (await database.sql`SELECT id FROM audit_events WHERE account_id = ${writer.accountId} ORDER BY created_at DESC, id DESC`).map((r) => Number(r.id));
    expect(seen).toEqual(ids);
    await go(o, '/audit?account=all');
    expect(await o.$$eval('#audit-account option', (os) => os.some((x) => (x as any).selected && x.getAttribute('value') === 'all'))).toBe(true);
    await expectAxeClean(o, 'audit, all accounts (en)');
  });

  it('refuses a bad filter in the page\'s language and keeps a write key out', async () => {
    const p = await signedIn(admin.apiKey, 'zh-CN');
    const res = await go(p, '/audit?from=2026-02-31');
    expect(res?.status()).toBe(400);
    expect(await textOf(p, '#audit-error')).toBe('筛选条件无效：起始日（UTC）必须是日期，例如 2026-01-31。');
    expect(await p.$eval('#audit-from', (i) => (i as any).value)).toBe('');
    await expectAxeClean(p, 'audit, bad filter (zh)');
    await screenshot(p, 'audit-zh');
    const w = await signedIn(writer.apiKey, 'zh-CN');
    expect((await go(w, '/audit'))?.status()).toBe(403);
    expect(await textOf(w, '.error')).toBe('审计日志仅限 admin 密钥查看；当前密钥的权限为 write。');
  });

  it('shows /api/stats as a table in both languages', async () => {
    const api = (await stack.api.call('GET', '/api/stats', writer.apiKey)).body;
    for (const lang of ['en', 'zh-CN'] as const) {
      const p = await signedIn(writer.apiKey, lang);
      await go(p, '/stats');
      const cell = (stat: string, col: number) => textOf(p, `#stats tr[data-stat="${stat}"] td:nth-of-type(${col})`);
      expect(await cell('tasks', 2)).toBe(String(api.allTime.tasks.total));
      expect(await cell('articles', 1)).toBe(String(api.last24h.articles.total));
      expect(await cell('pending-review', 2)).toBe(String(api.allTime.articles.pendingReview));
      expect(await cell('tokens', 2)).toBe(api.allTime.tokens.total.toLocaleString('en-US'));
      expect(await cell('failure-rate', 2)).toBe(`${(api.allTime.failureRate * 100).toFixed(1)} %`);
      await expectAxeClean(p, `stats (${lang})`);
      await screenshot(p, lang === 'en' ? 'stats' : 'stats-zh');
    }
  });
});
