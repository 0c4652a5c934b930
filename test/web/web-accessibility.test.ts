import { and, count, eq, inArray } from 'drizzle-orm';
import type { Browser, BrowserContext, HTTPResponse, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { distillations, taskEvents } from '../../src/db/schema.js';
import { createAccount, createApiKey } from '../../src/domain/accounts/index.js';
import { NOTIFICATION_TYPES } from '../../src/shared/events/index.js';
import { waitFor } from '../support/api-server.js';
import { runArticleTask } from '../support/article-tasks.js';
import { describeViolations, wcagViolations } from '../support/axe.js';
import { clearInput, launchBrowser, newPage, submit } from '../support/browser.js';
import { newAccount, seedDistillations } from '../support/db.js';
import { keywordOf } from '../support/llm-stub.js';
import { useTestStack } from '../support/stack.js';

/**
 * Every console page, signed out, with a write key and with an operator key, checked by axe-core against
 * the WCAG 2 A/AA rules (color contrast included) at 1200 px and at 375 px, where it must not scroll
 * sideways. The data each page shows is real: a finished task with articles pending review, its
 * notifications, a schedule, a usage report, a second key, an account's limits, a webhook and its
 * deliveries. What a page shows comes from this file alone, with fixed dates: the schedule is paused and
 * the deliveries are written with their times, so neither other test files nor the day change a page.
 */

const stack = useTestStack();
const contexts: BrowserContext[] = [];
let browser: Browser;
type Who = 'guest' | 'writer' | 'reader' | 'operator';
const LANGS = ['en', 'zh-CN'] as const;
const pages = new Map<string, Page>();
let writer: Awaited<ReturnType<typeof newAccount>>;
let operator: Awaited<ReturnType<typeof newAccount>>;
const ids = { task: 0, article: 0, flagged: 0, rejected: 0, distillation: 0, schedule: 0, key: 0, webhook: 0, album: 0 };
let readKey = '';

const go = (p: Page, path: string) => p.goto(`${stack.api.url}${path}`, { waitUntil: 'load' });
const at = (p: Page) => new URL(p.url()).pathname;

/** A page in a browser context of its own (its own session) that lets the test inject axe past the CSP. */
async function checkedPage(lang = 'en') {
  const context = await browser.createBrowserContext();
  contexts.push(context);
  const p = await newPage(context, lang);
  await p.setBypassCSP(true);
  return p;
}

/**
 * Sends a form from its button by keyboard: a click can miss when the page's layout moves under it
 * (console.js shows the count's refusal as it is typed).
 */
async function press(p: Page, button: string) {
  await p.focus(button);
  await Promise.all([p.waitForNavigation({ waitUntil: 'load' }), p.keyboard.press('Enter')]);
}

async function signIn(p: Page, key: string) {
  await go(p, '/sign-in');
  await p.type('#api-key', key);
  await submit(p, 'form[action="/sign-in"] button');
}

interface ConsolePage {
  name: string;
  who: Who;
  /** Opens the page: a GET by default, or the form steps that lead to it. */
  open: string | ((p: Page) => string | Promise<HTTPResponse | null | void>);
  status?: number;
  /** Where the page must end up (a form's result page). */
  lands?: RegExp;
}

const CONSOLE_PAGES: ConsolePage[] = [
  { name: 'sign-in', who: 'guest', open: '/sign-in' },
  {
    name: 'sign-in-error', who: 'guest', lands: /^\/sign-in$/,
    open: async (p) => {
      await go(p, '/sign-in');
      await p.type('#api-key', 'ak_not_a_key');
      await press(p, 'form[action="/sign-in"] button');
    },
  },
  { name: 'dashboard', who: 'writer', open: '/dashboard' },
  { name: 'dashboard-read-only', who: 'reader', open: '/dashboard' },
  { name: 'stats', who: 'writer', open: '/stats' },
  { name: 'audit', who: 'operator', open: '/audit?account=all' },
  { name: 'audit-forbidden', who: 'writer', open: '/audit', status: 403 },
  { name: 'distillations', who: 'writer', open: '/distillations' },
  {
    name: 'distillations-import-errors', who: 'writer', lands: /^\/distillations\/import$/,
    open: async (p) => {
      await go(p, '/distillations');
      await p.type('#import-text', 'keyword,topics\nGood one,Why?\nNo topics here,');
      await press(p, 'form[action="/distillations/import"] button');
    },
  },
  { name: 'distillation-edit', who: 'writer', open: () => `/distillations/${ids.distillation}/edit` },
  { name: 'distillation-delete', who: 'writer', open: () => `/distillations/${ids.distillation}/delete` },
  { name: 'new-task', who: 'writer', open: '/tasks/new' },
  {
    name: 'new-task-insufficient', who: 'writer', lands: /^\/tasks$/,
    open: async (p) => {
      await go(p, '/tasks/new');
      await clearInput(p, '#article-count');
      await p.type('#article-count', '99');
      await press(p, '#new-task button');
    },
  },
  { name: 'tasks', who: 'writer', open: '/tasks' },
  { name: 'task-detail', who: 'writer', open: () => `/tasks/${ids.task}` },
  { name: 'articles', who: 'writer', open: '/articles' },
  { name: 'review-queue', who: 'writer', open: '/articles/queue' },
  { name: 'article', who: 'writer', open: () => `/articles/${ids.article}` },
  { name: 'article-flagged', who: 'writer', open: () => `/articles/${ids.flagged}` },
  { name: 'article-rejected', who: 'writer', open: () => `/articles/${ids.rejected}` },
  { name: 'article-edit', who: 'writer', open: () => `/articles/${ids.article}/edit` },
  { name: 'article-delete', who: 'writer', open: () => `/articles/${ids.article}/delete` },
  { name: 'notifications', who: 'writer', open: '/notifications' },
  { name: 'time-zone', who: 'reader', open: '/time-zone' },
  { name: 'usage', who: 'writer', open: '/usage' },
  {
    name: 'usage-report', who: 'writer', lands: /^\/usage\/reports\/\d+$/,
    open: async (p) => {
      await go(p, '/usage');
      await press(p, '#verify');
    },
  },
  {
    name: 'usage-dry-run', who: 'writer', lands: /^\/usage\/reports\/\d+$/,
    open: async (p) => {
      await go(p, '/usage');
      await press(p, '#dry-run');
    },
  },
  { name: 'costs', who: 'writer', open: '/costs' },
  { name: 'costs-read-only', who: 'reader', open: '/costs' },
  { name: 'costs-bad-range', who: 'writer', open: '/costs?from=2026-12-09&to=2026-12-01', status: 400 },
  { name: 'schedules', who: 'writer', open: '/schedules' },
  { name: 'schedule-new', who: 'writer', open: '/schedules/new' },
  { name: 'schedule-delete', who: 'writer', open: () => `/schedules/${ids.schedule}/delete` },
  { name: 'webhooks', who: 'writer', open: '/webhooks' },
  { name: 'webhook-deliveries', who: 'writer', open: '/webhooks/deliveries' },
  { name: 'publishing', who: 'writer', open: '/webhooks/publishing' },
  { name: 'materials', who: 'writer', open: '/materials' },
  { name: 'albums', who: 'writer', open: '/albums' },
  { name: 'album', who: 'writer', open: () => `/albums/${ids.album}` },
  { name: 'conversion-targets', who: 'writer', open: '/conversion-targets' },
  { name: 'quality-settings', who: 'writer', open: '/quality-settings' },
  { name: 'album-read-only', who: 'reader', open: () => `/albums/${ids.album}` },
  { name: 'quality-settings-read-only', who: 'reader', open: '/quality-settings' },
  { name: 'keys', who: 'writer', open: '/keys' },
  {
    name: 'key-created', who: 'writer', lands: /^\/keys\/created$/,
    open: async (p) => {
      await go(p, '/keys');
      await p.type('#key-name', 'a11y reader');
      await press(p, '#new-key button');
    },
  },
  { name: 'key-revoke', who: 'writer', open: () => `/keys/${ids.key}/revoke` },
  { name: 'not-found', who: 'writer', open: '/tasks/999999999', status: 404 },
  { name: 'forbidden', who: 'writer', open: '/admin/accounts', status: 403 },
  { name: 'bad-request', who: 'writer', open: '/tasks/not-a-number', status: 400 },
  { name: 'distillations-read-only', who: 'reader', open: '/distillations' },
  { name: 'tasks-read-only', who: 'reader', open: '/tasks' },
  { name: 'review-queue-read-only', who: 'reader', open: '/articles/queue' },
  { name: 'article-read-only', who: 'reader', open: () => `/articles/${ids.article}` },
  { name: 'admin-accounts', who: 'operator', open: '/admin/accounts' },
  { name: 'admin-limits', who: 'operator', open: () => `/admin/accounts/${writer.accountId}/limits` },
  { name: 'models', who: 'operator', open: '/models' },
  {
    name: 'admin-account-created', who: 'operator', lands: /^\/admin\/accounts\/created$/,
    open: async (p) => {
      await go(p, '/admin/accounts');
      await p.type('#account-name', `a11y-${process.pid}-${pages.size}-${Date.now()}`);
      await press(p, '#new-account button');
    },
  },
];

/**
 * A webhook (subscribed to an event no page here causes) and its delivery log as a publishing account
 * sees it: publications waiting for their slots, with fixed times. Pending rows offer no Redeliver button,
 * so the wide table holds nothing focusable: the case where its scroll box itself must take the focus.
 */
async function seedWebhookDeliveries() {
  const hook = await stack.api.call('POST', '/api/webhooks', writer.apiKey, {
    url: 'http://127.0.0.1:9/a11y/publishing-receiver/articles', events: ['task.timeout'],
  });
  expect(hook.status, hook.text).toBe(201);
  ids.webhook = hook.body.id;
  for (let i = 0; i < 3; i++) {
    const createdAt = new Date(Date.UTC(2026, 0, 5, 8, i)).toISOString();
    const notBefore = new Date(Date.UTC(2026, 0, 5, 9 + i)).toISOString();
    await stack.database.sql`
      INSERT INTO webhook_deliveries (account_id, webhook_id, message_id, event_type, payload, status, workflow_started_at,
                                      last_error, not_before, created_at, updated_at)
      VALUES (${writer.accountId}, ${ids.webhook}, ${`msg_a11y_${writer.accountId}_${i}`}, 'article.published', ${JSON.stringify({ articleId: ids.article })}::jsonb,
              'pending', ${createdAt}, 'connect ECONNREFUSED 127.0.0.1:9 (the receiver refused the connection)', ${notBefore}, ${createdAt}, ${createdAt})`;
  }
}

beforeAll(async () => {
  writer = await newAccount(stack.database);
  operator = await newAccount(stack.database, { scope: 'operator' });
  // An account with a long name: the operator's account pickers list it (the audit filter's select once made a phone page
  // 426 px wide, depending on which accounts other tests had made).
  await createAccount(stack.database.db, 'Shanghai Content Marketing and Generative Engine Optimisation Studio (staging)');
  // Gamma keeps writing a banned word: it is saved with a quality flag.
  expect((await stack.api.call('PUT', '/api/quality-settings', writer.apiKey, { bannedWords: ['forbidden'] })).status).toBe(200);
  stack.stub.setBehavior((req) => (keywordOf(req) === 'Gamma' ? { content: '# Gamma\n\nGamma is a forbidden word here.' } : {}));
  const task = await runArticleTask(stack.api.url, writer.apiKey, ['Alpha', 'Beta', 'Gamma'], { autoApprove: false });
  ids.task = task.taskId;
  const listed = (await stack.api.call('GET', `/api/articles?taskId=${task.taskId}`, writer.apiKey)).body.articles as { id: number; keyword: string }[];
  const byKeyword = (k: string) => listed.find((a) => a.keyword === k)!.id;
  [ids.article, ids.rejected, ids.flagged] = [byKeyword('Alpha'), byKeyword('Beta'), byKeyword('Gamma')];
  expect((await stack.api.call('POST', `/api/articles/${ids.rejected}/reject`, writer.apiKey, { reason: 'Too short' })).status).toBe(200);
  ids.distillation = (await seedDistillations(stack.database, writer.accountId, [{ keyword: 'Delta', topics: ['What is Delta?', 'Why Delta?'] }]))[0]!;
  const reader = await createApiKey(stack.database.db, writer.accountId, { scope: 'read', name: 'reader' });
  [ids.key, readKey] = [reader.keyId, reader.apiKey];
  // Paused: a Monday 09:00 run during the test would add a task, articles and notifications.
  const schedule = await stack.api.call('POST', '/api/schedules', writer.apiKey, { name: 'Weekly digest', cron: '0 9 * * 1', paused: true, template: { articleCount: 1 } });
  expect(schedule.status, schedule.text).toBe(201);
  ids.schedule = schedule.body.id;
  await seedWebhookDeliveries();
  // Spend on two models today and a budget within it: the cost page draws both charts and the budget lines.
  for (const [model, cost] of [['a', 1_500_000_000_000n], ['b', 250_000_000n]] as const) {
    await stack.database.sql`INSERT INTO llm_attempts (account_id, model_id, outcome, prompt_tokens, completion_tokens, cost_pico, currency)
      VALUES (${writer.accountId}, ${model}, 'ok', 1200, 800, ${cost.toString()}::bigint, 'USD')`;
  }
  await stack.database.sql`INSERT INTO account_budgets (account_id, daily_limit_pico, monthly_limit_pico, currency) VALUES (${writer.accountId}, 100000000000000, NULL, 'USD')`;
  const album = await stack.api.call('POST', '/api/albums', writer.apiKey, {
    name: 'Product photos', images: [{ url: 'https://img.example.com/a.jpg', description: 'Front' }, { url: 'https://img.example.com/b.jpg' }],
  });
  expect(album.status, album.text).toBe(201);
  ids.album = album.body.id;
  expect((await stack.api.call('POST', '/api/conversion-targets', writer.apiKey, { companyName: 'Acme', website: 'https://acme.example.com' })).status).toBe(201);
  // The task's final notifications are written as it ends; wait so the page lists them.
  await waitFor('the notifications', async () => {
    const [row] = await stack.database.db.select({ n: count() }).from(taskEvents)
      .where(and(eq(taskEvents.accountId, writer.accountId), inArray(taskEvents.type, [...NOTIFICATION_TYPES])));
    return row!.n > 0 ? true : undefined;
  });
  expect((await stack.database.db.select({ n: count() }).from(distillations).where(eq(distillations.accountId, writer.accountId)))[0]!.n).toBe(4);

  browser = await launchBrowser();
  const keys: Record<Who, string | null> = { guest: null, writer: writer.apiKey, reader: readKey, operator: operator.apiKey };
  for (const lang of LANGS) {
    for (const [who, key] of Object.entries(keys)) {
      const p = await checkedPage(lang);
      if (key) await signIn(p, key);
      pages.set(`${lang} ${who}`, p);
    }
  }
}, 120_000);
afterAll(async () => {
  if (ids.schedule) await stack.worker?.client.schedule.getHandle(`generation-schedule-${ids.schedule}`).delete().catch(() => undefined);
  for (const context of contexts) await context.close().catch(() => undefined);
  await browser?.close();
});

describe.each(LANGS)('every console page meets WCAG 2 A/AA (axe-core) at 1200 px and 375 px, in %s', (lang) => {
  for (const cp of CONSOLE_PAGES) {
    it(cp.name, async () => {
      const p = pages.get(`${lang} ${cp.who}`)!;
      await p.setViewport({ width: 1200, height: 900 });
      const target = typeof cp.open === 'string' ? cp.open : cp.open(p);
      const response = typeof target === 'string' ? await go(p, target) : await target;
      if (response && cp.status) expect(response.status()).toBe(cp.status);
      if (cp.lands) expect(at(p)).toMatch(cp.lands);
      const wide = await wcagViolations(p);
      await p.setViewport({ width: 375, height: 800 });
      const narrow = await wcagViolations(p);
      const scrollWidth = (await p.evaluate('document.documentElement.scrollWidth')) as number;
      const report = [describeViolations(`${cp.name} (${lang}) at 1200 px`, wide), describeViolations(`${cp.name} (${lang}) at 375 px`, narrow)].join('\n');
      expect(wide.length + narrow.length, report).toBe(0);
      expect(scrollWidth, `${cp.name} scrolls sideways at 375 px`).toBeLessThanOrEqual(375);
      // Whether a table's box scrolls depends on its rows and the fonts: every one takes the focus, scrolling or not.
      const unfocusable = await p.evaluate(`[...document.querySelectorAll('.table-wrap')].filter((e) => e.tabIndex !== 0 || e.getAttribute('role') !== 'region' || !e.getAttribute('aria-label')).length`);
      expect(unfocusable, `${cp.name}: a table's scroll box is not a focusable, named region`).toBe(0);
    });
  }
});

describe('the accessibility check itself', () => {
  it('finds planted violations: low contrast text and an input without a label', async () => {
    const p = pages.get('en writer')!;
    await go(p, '/distillations');
    await p.evaluate(`{
      const faint = document.createElement('p');
      faint.textContent = 'faint text';
      faint.style.color = '#bbbbbb';
      document.getElementById('main').append(faint, document.createElement('input'));
    }`);
    expect((await wcagViolations(p)).map((v) => v.rule).sort()).toEqual(['color-contrast', 'label']);
  });
});
