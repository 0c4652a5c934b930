import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, newPage, submit, textOf } from '../support/browser.js';
import { cliFor, show } from '../support/cli.js';
import { newAccount } from '../support/db.js';
import { useApiWithoutWorker } from '../support/stack.js';

/**
 * Issue 18's books as people read them, over llm_attempts rows the test writes (the router writes them in service):
 * /api/stats' cost, GET /api/costs, `artgen usage cost` (table, csv, json) and the console's /costs page with its
 * charts and tables, in English and Chinese; the budget form of the account limits page.
 */
const stack = useApiWithoutWorker();
const { database } = stack;
const PICO = 1_000_000_000_000n;
const today = new Date().toISOString().slice(0, 10);
const monthStart = `${today.slice(0, 8)}01`;
/** Yesterday when it is in this month, else today: a second day in the month's report. */
const earlier = today === monthStart ? today : new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);

async function attempt(accountId: number, row: { model: string; cost: bigint; taskId?: number | null; currency?: string; day?: string; prompt?: number; completion?: number }) {
  const at = row.day && row.day !== today ? `${row.day}T12:00:00Z` : new Date().toISOString();
  await database.sql`
    INSERT INTO llm_attempts (account_id, task_id, model_id, outcome, prompt_tokens, completion_tokens, cost_pico, currency, created_at)
    VALUES (${accountId}, ${row.taskId ?? null}, ${row.model}, 'ok', ${row.prompt ?? 100}, ${row.completion ?? 50}, ${row.cost.toString()}::bigint, ${row.currency ?? 'USD'}, ${at})`;
}

let account: Awaited<ReturnType<typeof newAccount>>;
beforeAll(async () => {
  account = await newAccount(database);
  await attempt(account.accountId, { model: 'a', cost: PICO + 1n, taskId: 7 });
  await attempt(account.accountId, { model: 'a', cost: 2n * PICO, taskId: 8, day: earlier });
  await attempt(account.accountId, { model: 'b', cost: 333_333_333_333n, taskId: 7 });
  await attempt(account.accountId, { model: 'b', cost: 5n * PICO, currency: 'CNY' });
  await attempt(account.accountId, { model: 'a', cost: 9n * PICO, day: '2020-01-15' });
});

describe('cost in the API and the CLI', () => {
  it('/api/stats carries cost today, this month and per model, exact', async () => {
    const stats = await stack.api.call('GET', '/api/stats', account.apiKey);
    expect(stats.status, stats.text).toBe(200);
    const usdToday = earlier === today ? '3.333333333334' : '1.333333333334';
    expect(stats.body.cost.today).toEqual([
      { currency: 'CNY', amount: '5', requests: 1 },
      { currency: 'USD', amount: usdToday, requests: earlier === today ? 3 : 2 },
    ]);
    expect(stats.body.cost.thisMonth).toEqual([
      { currency: 'CNY', amount: '5', requests: 1 },
      { currency: 'USD', amount: '3.333333333334', requests: 3 },
    ]);
    expect(stats.body.cost.thisMonthByModel).toEqual([
      { model: 'a', currency: 'USD', amount: '3.000000000001', requests: 2 },
      { model: 'b', currency: 'CNY', amount: '5', requests: 1 },
      { model: 'b', currency: 'USD', amount: '0.333333333333', requests: 1 },
    ]);
  });

  it('GET /api/costs groups by day, model and task; bad ranges are 400', async () => {
    const byTask = await stack.api.call('GET', `/api/costs?from=2020-01-01&to=${today}&by=task`, account.apiKey);
    expect(byTask.status, byTask.text).toBe(200);
    expect(byTask.body.lines.map((l: any) => [l.key, l.currency, l.cost])).toEqual([
      ['7', 'USD', '1.333333333334'],
      ['8', 'USD', '2'],
      [null, 'CNY', '5'],
      [null, 'USD', '9'],
    ]);
    expect(byTask.body.totals).toEqual([{ currency: 'CNY', cost: '5', requests: 1 }, { currency: 'USD', cost: '12.333333333334', requests: 4 }]);
    const byDay = await stack.api.call('GET', `/api/costs?from=2020-01-15&to=2020-01-15`, account.apiKey);
    expect(byDay.body).toMatchObject({ from: '2020-01-15T00:00:00.000Z', to: '2020-01-16T00:00:00.000Z', by: 'day' });
    expect(byDay.body.lines).toEqual([{ key: '2020-01-15', currency: 'USD', cost: '9', requests: 1, promptTokens: 100, completionTokens: 50 }]);
    for (const q of ['by=week', 'from=2026-13-01', 'from=2026-12-09&to=2026-12-01', 'from=2000-01-01&to=2026-01-01', 'extra=1']) {
      const r = await stack.api.call('GET', `/api/costs?${q}`, account.apiKey);
      expect(r.status, q).toBe(400);
      expect(r.body.error.code).toBe('VALIDATION_ERROR');
    }
  });

  it('artgen usage cost --by model in a table, csv and json', async () => {
    const cli = cliFor(stack.api.url, account.apiKey);
    const table = await cli(['usage', 'cost', '--from', monthStart, '--to', today, '--by', 'model']);
    expect(table.code, show(table)).toBe(0);
    expect(table.stdout).toMatch(/a\s+USD\s+3\.000000000001\s+2/);
    expect(table.stdout).toMatch(/b\s+CNY\s+5\s+1/);
    const csv = await cli(['usage', 'cost', '--from', '2020-01-01', '--to', today, '--by', 'day', '--format', 'csv']);
    expect(csv.code, show(csv)).toBe(0);
    const lines = csv.stdout.trim().split(/\r?\n/);
    expect(lines[0]).toBe('day,currency,cost,requests,promptTokens,completionTokens');
    expect(lines).toContain('2020-01-15,USD,9,1,100,50');
    const json = await cli(['usage', 'cost', '--by', 'task', '--format', 'json']);
    expect(json.code, show(json)).toBe(0);
    expect(JSON.parse(json.stdout).totals).toContainEqual({ currency: 'CNY', cost: '5', requests: 1 });
    const bad = await cli(['usage', 'cost', '--by', 'week']);
    expect(bad.code).toBe(2);
  });
});

describe('the console cost page and the budget form', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  }, 60_000);
  afterAll(() => browser?.close());

  async function signedIn(key: string, lang: string): Promise<Page> {
    const context = await browser.createBrowserContext();
    const p = await newPage(context, lang);
    await p.goto(`${stack.api.url}/sign-in`);
    await p.type('#api-key', key);
    await submit(p, 'form[action="/sign-in"] button');
    return p;
  }

  it('draws a chart per day and per model with the same figures in a table, in en and zh', async () => {
    for (const lang of ['en', 'zh']) {
      const p = await signedIn(account.apiKey, lang);
      const res = await p.goto(`${stack.api.url}/costs?from=${monthStart}&to=${today}`);
      expect(res!.status()).toBe(200);
      expect(await p.$eval('#chart-day-USD title', (e: any) => e.textContent)).toBe(lang === 'en' ? 'Cost per day (USD)' : '每日费用（USD）');
      expect(await p.$$eval('#chart-model-USD [data-bar]', (es: any[]) => es.map((e) => e.getAttribute('data-bar')))).toEqual(['a', 'b']);
      expect(await textOf(p, '#table-model-USD tr[data-key="a"]')).toMatch(/a\s+3\.000000000001\s+2/);
      expect(await textOf(p, `#table-day-USD tr[data-key="${today}"]`)).toContain(earlier === today ? '3.333333333334' : '1.333333333334');
      expect(await p.$$eval('#table-day-USD tbody tr', (rs: any[]) => rs.length)).toBe(Number(today.slice(8)));
      expect(await textOf(p, '#table-model-CNY tr[data-key="b"]')).toContain('5');
      expect(await p.$$eval('svg.chart', (es: any[]) => es.length)).toBe(4);
      const bad = await p.goto(`${stack.api.url}/costs?from=${today}&to=2020-01-01`);
      expect(bad!.status()).toBe(400);
      expect(await textOf(p, '#cost-error')).toBeTruthy();
      await p.browserContext().close();
    }
  }, 120_000);

  it("an operator sets an account's budget on its limits page; the cost page shows it reached", async () => {
    const operator = await newAccount(database, { scope: 'operator' });
    const p = await signedIn(operator.apiKey, 'en');
    await p.goto(`${stack.api.url}/admin/accounts/${account.accountId}/limits`);
    await p.type('#budget-daily', 'lots');
    await submit(p, '#budget button[type="submit"]');
    expect(await textOf(p, '#budget-error')).toContain('daily');
    await p.$eval('#budget-daily', (e: any) => void (e.value = ''));
    await p.type('#budget-daily', '1.25');
    await submit(p, '#budget button[type="submit"]');
    expect(new URL(p.url()).search).toBe('?budgetSaved');
    expect(await textOf(p, '#budget-applies')).toContain('Daily budget: 1.25 USD');
    const api = await stack.api.call('GET', `/api/admin/accounts/${account.accountId}/budget`, operator.apiKey);
    expect(api.body).toMatchObject({ daily: '1.25', monthly: null, currency: 'USD', source: 'account', reached: { period: 'day', limit: '1.25' } });

    const owner = await signedIn(account.apiKey, 'en');
    await owner.goto(`${stack.api.url}/costs`);
    expect(await textOf(owner, '#budget-reached')).toContain('daily budget is spent');
    const refused = await stack.api.call('POST', '/api/article-generation/tasks', account.apiKey, { articleCount: 1 });
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe('BUDGET_EXCEEDED');

    await submit(p, '#budget-reset');
    expect((await stack.api.call('GET', `/api/admin/accounts/${account.accountId}/budget`, operator.apiKey)).body).toMatchObject({ source: 'default', daily: null });
    await p.browserContext().close();
    await owner.browserContext().close();
  }, 120_000);
});
