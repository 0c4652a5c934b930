import type { Browser, BrowserContext, Page } from 'puppeteer-core';
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeViolations, wcagViolations } from '../support/axe.js';
import { launchBrowser, newPage, submit, textOf } from '../support/browser.js';
import { waitForTaskEnd } from '../support/api-server.js';
import { newAccount, seedDistillations } from '../support/db.js';
import { TEST_PAYLOAD_CODEC } from '../support/payload-codec.js';
import { useTestStack } from '../support/stack.js';

/** The console's model registry page (operators), an account's models on its limits page, and a task page's model and cost. */
const stack = useTestStack();
let browser: Browser;
const contexts: BrowserContext[] = [];
const suffix = randomUUID().slice(0, 6);
const url = (path: string) => `${stack.api.url}${path}`;

async function signedIn(key: string, lang = 'en') {
  const context = await browser.createBrowserContext();
  contexts.push(context);
  const p = await newPage(context, lang);
  await p.setBypassCSP(true);
  await p.goto(url('/sign-in'), { waitUntil: 'domcontentloaded' });
  await p.type('#api-key', key);
  await submit(p, 'form[action="/sign-in"] button');
  return p;
}

async function axeClean(p: Page, where: string) {
  const violations = await wcagViolations(p);
  expect(violations, describeViolations(where, violations)).toEqual([]);
  await p.setViewport({ width: 375, height: 800 });
  expect(await p.evaluate('document.documentElement.scrollWidth'), `${where} at 375 px`).toBeLessThanOrEqual(375);
  await p.setViewport({ width: 1200, height: 900 });
}

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  for (const context of contexts) await context.close();
  await browser?.close();
});

describe('models in the console', () => {
  it('an operator adds a model with a key (sealed, never shown), sees it listed, removes it; both languages are axe clean', async () => {
    const operator = await newAccount(stack.database, { scope: 'operator' });
    const id = `web-${suffix}`;
    const p = await signedIn(operator.apiKey);
    expect(await p.$('a[href="/models"]')).not.toBeNull();
    await p.goto(url('/models'), { waitUntil: 'load' });
    await axeClean(p, '/models (en)');

    await p.type('#model-id', id);
    await p.type('#model-baseUrl', 'http://127.0.0.1:9/v1');
    await p.type('#model-model', 'provider-model');
    await p.type('#model-promptPricePerMillion', '-1');
    await p.type('#model-completionPricePerMillion', '6');
    await p.type('#model-currency', 'USD');
    await p.type('#model-apiKey', 'sk-web-secret');
    await submit(p, '#new-model button[type="submit"]');
    expect(await textOf(p, '#new-model .error')).toContain('promptPricePerMillion');
    expect(await p.content()).not.toContain('sk-web-secret');
    await axeClean(p, '/models with an error');

    await p.$eval('#model-promptPricePerMillion', (e: any) => void (e.value = '1.5'));
    await p.type('#model-apiKey', 'sk-web-secret');
    await submit(p, '#new-model button[type="submit"]');
    expect(await textOf(p, '.notice')).toContain(`Model ${id} added.`);
    expect(await textOf(p, `tr[data-model-id="${id}"]`)).toContain('1.5 / 6 USD');
    expect(await textOf(p, `tr[data-model-id="${id}"]`)).toContain('sealed');
    expect(await p.content()).not.toContain('sk-web-secret');
    const [row] = await stack.database.db.execute(sql`SELECT api_key_sealed FROM llm_models WHERE id = ${id}`);
    expect(TEST_PAYLOAD_CODEC.openText(String(row!.api_key_sealed))).toBe('sk-web-secret');

    const zh = await signedIn(operator.apiKey, 'zh-CN');
    await zh.goto(url('/models'), { waitUntil: 'load' });
    expect(await textOf(zh, 'h1')).toContain('模型注册表');
    await axeClean(zh, '/models (zh)');

    await submit(p, `tr[data-model-id="${id}"] form button`);
    expect(await textOf(p, '.notice')).toContain(`Model ${id} removed.`);
    expect(await p.$(`tr[data-model-id="${id}"]`)).toBeNull();
  });

  it("sets an account's default and allowed models on its limits page; a write key cannot reach the registry page", async () => {
    const operator = await newAccount(stack.database, { scope: 'operator' });
    const writer = await newAccount(stack.database);
    const id = `acct-${suffix}`;
    const created = await stack.api.call('POST', '/api/models', operator.apiKey, { id, baseUrl: `${stack.stub.url}/v1`, model: 'stub-model', promptPricePerMillion: 2, completionPricePerMillion: 4, currency: 'EUR' });
    expect(created.status, created.text).toBe(201);
    const p = await signedIn(operator.apiKey);
    await p.goto(url(`/admin/accounts/${writer.accountId}/limits`), { waitUntil: 'load' });
    await p.select('#default-model', id);
    await p.click(`#account-models input[value="${id}"]`);
    await submit(p, '#account-models button[type="submit"]');
    expect(await textOf(p, '.notice')).toContain('Models saved.');
    expect(await p.$eval('#default-model', (e: any) => e.value)).toBe(id);
    await axeClean(p, 'limits page with models');
    expect((await stack.api.call('GET', `/api/admin/accounts/${writer.accountId}/models`, operator.apiKey)).body).toEqual({ defaultModelId: id, allowedModelIds: [id] });

    const w = await signedIn(writer.apiKey);
    expect(await w.$('a[href="/models"]')).toBeNull();
    const forbidden = await w.goto(url('/models'), { waitUntil: 'load' });
    expect(forbidden!.status()).toBe(403);

    // The writer's task runs on its default model: the task page names the model and the cost.
    await seedDistillations(stack.database, writer.accountId, [{ keyword: `web-models-${suffix}` }]);
    const task = await stack.api.call('POST', '/api/article-generation/tasks', writer.apiKey, { articleCount: 1 });
    expect(task.status, task.text).toBe(201);
    const done = await waitForTaskEnd(task.body.taskId, async () => (await stack.api.call('GET', `/api/article-generation/tasks/${task.body.taskId}`, writer.apiKey)).body);
    expect(done.cost.currency).toBe('EUR');
    await w.goto(url(`/tasks/${task.body.taskId}`), { waitUntil: 'load' });
    expect(await textOf(w, '[data-total="cost"]')).toContain(`${done.cost.amount} EUR`);
    expect(await textOf(w, `#items td[data-model="${id}"]`)).toBe(id);
    await axeClean(w, 'task page with model and cost');
  });
});
