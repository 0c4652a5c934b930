import type { Browser, BrowserContext, HTTPResponse, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/domain/accounts/index.js';
import { TEST_PAYLOAD_CODEC } from '../support/payload-codec.js';
import { startApiServer, waitFor } from '../support/api-server.js';
import { clearInput, launchBrowser, newPage, screenshot, submit, textOf } from '../support/browser.js';
import { newAccount } from '../support/db.js';
import { saveTestArticles } from '../support/drafts.js';
import { useTestStack } from '../support/stack.js';
import { startWebhookReceiver, TEST_WEBHOOK_SETTINGS } from '../support/webhook-receiver.js';

/**
 * The console's webhooks in a real Chromium over the real stack (API, worker on the Temporal dev server,
 * PostgreSQL) with a loopback receiver that verifies every signature: create (the secret shown once),
 * refusals inline, a test event in the delivery log, redelivery, publish on approval with its due
 * times, a read key that can only look, and delete behind a confirmation.
 */

const stack = useTestStack();
let browser: Browser;
let page: Page;
let account: Awaited<ReturnType<typeof newAccount>>;
let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
let secret = '';
let webhookId = 0;
const contexts: BrowserContext[] = [];

const go = (p: Page, path: string, base = stack.api.url) => p.goto(`${base}${path}`, { waitUntil: 'domcontentloaded' });
const path = (p: Page) => new URL(p.url()).pathname + new URL(p.url()).search;
const deliveryRow = (id: number) => `tr[data-delivery-id="${id}"]`;

async function signIn(p: Page, key: string) {
  await go(p, '/sign-in');
  await p.type('#api-key', key);
  await submit(p, 'form[action="/sign-in"] button');
}

/**
 * Submits with the keyboard and answers the page's response: after a full-page screenshot of a scrolled
 * page, Chromium scrolls between a click's mousedown and mouseup, so a click can land beside the button.
 */
async function pressButton(p: Page, selector: string): Promise<HTTPResponse | null> {
  await p.focus(selector);
  const [response] = await Promise.all([p.waitForNavigation({ waitUntil: 'domcontentloaded' }), p.keyboard.press('Enter')]);
  return response;
}

/** Fills the new-webhook form: the url, these event boxes checked (the others not), the secret. */
async function fillWebhookForm(p: Page, url: string, events: string[], secretText: string) {
  await clearInput(p, '#webhook-url');
  await p.type('#webhook-url', url);
  await p.$$eval('input[name="events[]"]', (boxes: any[], wanted) => boxes.forEach((b) => (b.checked = wanted.includes(b.value))), events);
  await clearInput(p, '#webhook-secret');
  if (secretText) await p.type('#webhook-secret', secretText);
}

const formState = (p: Page) =>
  p.$eval('#new-webhook', (form: any) => ({
    url: form.querySelector('#webhook-url').value as string,
    events: [...form.querySelectorAll('input[name="events[]"]:checked')].map((b: any) => b.value as string),
    secret: form.querySelector('#webhook-secret').value as string,
  }));

/** The log's rows as the page shows them: reloads until `done` holds for them. */
async function logRows(p: Page, query: string, done: (rows: LogRow[]) => boolean) {
  return waitFor(`delivery log ${query}`, async () => {
    await go(p, `/webhooks/deliveries${query}`);
    const rows = await p.$$eval('#deliveries tbody tr[data-delivery-id]', (trs) =>
      trs.map((tr: any) => ({
        id: Number(tr.getAttribute('data-delivery-id')),
        event: tr.getAttribute('data-event') as string,
        status: tr.getAttribute('data-status') as string,
        dueAt: (tr.querySelector('time.due-at')?.getAttribute('datetime') ?? null) as string | null,
        dueText: (tr.querySelector('time.due-at')?.innerText ?? null) as string | null,
        // Each attempt's line without its time and error.
        attempts: [...tr.querySelectorAll('.delivery-attempts li')].map((li: any) => (li.innerText as string).split('\n')[0]!.replace(/\s+\d{4}-.*$/, '')),
        lastError: (tr.querySelector('.last-error')?.innerText ?? null) as string | null,
        redeliver: tr.querySelector('form[action$="/redeliver"] button') !== null,
      })),
    );
    return done(rows) ? rows : undefined;
  }, 60_000);
}
type LogRow = { id: number; event: string; status: string; dueAt: string | null; dueText: string | null; attempts: string[]; lastError: string | null; redeliver: boolean };

/** The page at 375 px wide scrolls no wider than the screen (tables scroll inside their own box). */
async function fitsIn375(p: Page) {
  await p.setViewport({ width: 375, height: 800 });
  expect(await p.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(375);
  await p.setViewport({ width: 1200, height: 900 });
}

const auditRows = () =>
  stack.database.sql<{ route: string | null; status: number; target_ids: Record<string, unknown> }[]>`
    SELECT route, status, target_ids FROM audit_events WHERE account_id = ${account.accountId} AND route LIKE '/webhooks%' ORDER BY id`;

beforeAll(async () => {
  browser = await launchBrowser();
  page = await newPage(browser);
  account = await newAccount(stack.database);
  receiver = await startWebhookReceiver(() => secret);
  await signIn(page, account.apiKey);
});
afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => undefined);
  await browser?.close();
  await receiver?.close();
});

describe('webhooks in the web console', () => {
  it('creates a webhook and shows its signing secret once; refusals come back inline with the form as typed', async () => {
    await go(page, '/webhooks');
    expect(await textOf(page, '#webhooks tbody')).toBe('Nothing here yet.');
    expect(await textOf(page, '#new-webhook')).toContain('a task ended leaving articles to review');

    await fillWebhookForm(page, receiver.url, ['task.completed'], 'not-a-secret');
    const badSecret = await pressButton(page, '#create-webhook');
    expect(badSecret?.status()).toBe(400);
    expect(await textOf(page, '#webhook-error')).toContain('The signing secret must be whsec_');
    expect(await formState(page)).toEqual({ url: receiver.url, events: ['task.completed'], secret: 'not-a-secret' });

    await fillWebhookForm(page, receiver.url, [], '');
    const noEvents = await pressButton(page, '#create-webhook');
    expect(noEvents?.status()).toBe(400);
    expect(await textOf(page, '#webhook-error')).toBe('events needs at least one event type');
    expect(await formState(page)).toEqual({ url: receiver.url, events: [], secret: '' });

    await fillWebhookForm(page, receiver.url, ['task.completed', 'review.needed'], '');
    await pressButton(page, '#create-webhook');
    expect(path(page)).toBe('/webhooks/created');
    secret = await page.$eval('#secret', (e: any) => e.value as string);
    expect(secret).toMatch(/^whsec_/);
    expect(await textOf(page, '.facts')).toContain(receiver.url);
    await screenshot(page, 'webhook-created');
    const [stored] = await stack.database.sql<{ id: number; secret: string; events: string[] }[]>`SELECT id, secret, events FROM webhooks WHERE account_id = ${account.accountId}`;
    expect(stored).toMatchObject({ events: ['task.completed', 'review.needed'] });
    // Kept sealed with the payload key ring: the database never holds the secret in clear.
    expect(TEST_PAYLOAD_CODEC.openText(stored!.secret)).toBe(secret);
    expect(stored!.secret).not.toContain(secret.slice(6));
    webhookId = stored!.id;

    // Shown once: the same page again leads back to the list, which says so and holds no secret.
    await go(page, '/webhooks/created');
    expect(path(page)).toBe('/webhooks?shown');
    expect(await textOf(page, '.notice')).toContain('shown once');
    expect(await page.content()).not.toContain(secret.slice(6));
    expect(await textOf(page, `tr[data-webhook-id="${webhookId}"] .webhook-url`)).toBe(receiver.url);
    expect(await textOf(page, `tr[data-webhook-id="${webhookId}"] .webhook-events`)).toContain('review.needed');
    await screenshot(page, 'webhooks');
    await fitsIn375(page);

    const audited = (await auditRows()).map((r) => ({ route: r.route, status: r.status, targetIds: r.target_ids }));
    expect(audited).toEqual([
      { route: '/webhooks', status: 400, targetIds: {} },
      { route: '/webhooks', status: 400, targetIds: {} },
      { route: '/webhooks', status: 303, targetIds: { webhookId } },
    ]);
  });

  it('sends a test event and shows it succeeded in the log with its attempt; redelivers it with the same webhook-id', async () => {
    await go(page, '/webhooks');
    await pressButton(page, `form[action="/webhooks/${webhookId}/test"] button`);
    expect(path(page)).toMatch(new RegExp(`^/webhooks/deliveries\\?webhookId=${webhookId}&sent=\\d+$`));
    const deliveryId = Number(new URL(page.url()).searchParams.get('sent'));
    expect(await textOf(page, '.notice')).toBe(`Test event queued as delivery ${deliveryId}.`);

    const [sent] = await logRows(page, `?webhookId=${webhookId}`, (rows) => rows[0]?.status === 'succeeded');
    expect(sent).toMatchObject({ id: deliveryId, event: 'webhook.test', status: 'succeeded', redeliver: true });
    expect(sent!.attempts).toHaveLength(1);
    expect(sent!.attempts[0]).toMatch(/^succeeded, HTTP 200, \d+ ms$/);
    const received = receiver.requests.filter((r) => r.body.type === 'webhook.test');
    expect(received.map((r) => r.verified)).toEqual([true]);
    await screenshot(page, 'webhook-deliveries');
    await fitsIn375(page);

    await pressButton(page, `${deliveryRow(deliveryId)} form[action$="/redeliver"] button`);
    expect(await textOf(page, '.notice')).toBe(`Delivery ${deliveryId} is being sent again, with the same webhook-id.`);
    const [again] = await logRows(page, `?webhookId=${webhookId}`, (rows) => rows[0]?.status === 'succeeded' && rows[0].attempts.length === 2);
    expect(again!.attempts.map((a) => a.split(',').slice(0, 2).join(','))).toEqual(['succeeded, HTTP 200', 'succeeded, HTTP 200']);
    expect(receiver.requests.filter((r) => r.id === received[0]!.id)).toHaveLength(2);

    // The filter keeps to what was asked: no failed deliveries.
    await page.select('#filter-status', 'failed');
    await submit(page, '#delivery-filters button');
    expect(path(page)).toBe(`/webhooks/deliveries?webhookId=${webhookId}&status=failed`);
    expect(await textOf(page, '#deliveries tbody')).toBe('Nothing here yet.');
  });

  it('refuses a private target inline where private targets are not allowed (a second API server with the default guard)', async () => {
    const guarded = await startApiServer(stack.database, stack.worker.target, { webhooks: { ...TEST_WEBHOOK_SETTINGS, allowPrivateTargets: false } });
    try {
      // The session lives in the database, so the same cookie signs this page in on the second server too.
      await go(page, '/webhooks', guarded.url);
      await fillWebhookForm(page, receiver.url, ['article.approved'], '');
      const refused = await pressButton(page, '#create-webhook');
      expect(refused?.status()).toBe(400);
      expect(await textOf(page, '#webhook-error')).toContain('is a private or local address; webhooks only reach public addresses');
      expect(await formState(page)).toEqual({ url: receiver.url, events: ['article.approved'], secret: '' });
      const all = await stack.database.sql<{ id: number }[]>`SELECT id FROM webhooks WHERE account_id = ${account.accountId}`;
      expect(all.map((r) => r.id)).toEqual([webhookId]);
    } finally {
      await guarded.close();
    }
  });

  it('publishes two articles approved in the console one interval apart: both in the log with their due times; turning off skips the waiting one', async () => {
    const articleIds = await saveTestArticles(stack.database, account.accountId, 2);
    await go(page, '/webhooks/publishing');
    expect(await page.$eval('#publishing-state', (e) => e.getAttribute('data-state'))).toBe('off');
    await page.select('#publishing-webhook', String(webhookId));
    await clearInput(page, '#publishing-interval');
    await page.type('#publishing-interval', '5');
    await pressButton(page, '#save-publishing');
    expect(path(page)).toBe('/webhooks/publishing?saved');
    expect(await page.$eval('#publishing-state', (e) => e.getAttribute('data-state'))).toBe('on');
    expect(await textOf(page, '#publishing-state h2')).toBe(`Publishing to ${receiver.url}`);
    expect(await textOf(page, '#publishing-state p')).toBe('at most one article every 5 minutes');
    expect(await textOf(page, '#last-slot')).toBe('none yet');
    expect(await page.$eval('#publishing-interval', (e: any) => e.value)).toBe('5');
    await screenshot(page, 'publishing');
    await fitsIn375(page);

    for (const id of articleIds) {
      await go(page, `/articles/${id}`);
      await pressButton(page, `form[action="/articles/${id}/approve"] button`);
      expect(path(page)).toBe(`/articles/${id}?done=approve`);
    }

    // The first is published at once; the second waits for its slot five minutes later.
    const rows = await logRows(page, `?webhookId=${webhookId}`, (all) => {
      const published = all.filter((r) => r.event === 'article.published');
      return published.length === 2 && published[1]!.status === 'succeeded';
    });
    const [second, first] = rows.filter((r) => r.event === 'article.published');
    expect(first).toMatchObject({ status: 'succeeded', redeliver: true });
    expect(first!.dueText).toMatch(/^slot \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/);
    expect(second).toMatchObject({ status: 'pending', attempts: [], redeliver: false });
    expect(second!.dueText).toMatch(/^due at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/);
    expect(Date.parse(second!.dueAt!) - Date.parse(first!.dueAt!)).toBe(5 * 60_000);
    const published = receiver.requests.filter((r) => r.body.type === 'article.published');
    expect(published.map((r) => [r.verified, r.body.data.articleId])).toEqual([[true, articleIds[0]]]);
    await screenshot(page, 'webhook-deliveries-publishing');
    // A waiting delivery has no redeliver button; a crafted post gets the API's 409 in the log's page.
    const csrf = await page.$eval('input[name="_csrf"]', (e: any) => e.value as string);
    const crafted = await page.evaluate(
      async (target, token) => {
        const res = await fetch(target, { method: 'POST', body: new URLSearchParams({ _csrf: token }) });
        return { status: res.status, html: await res.text() };
      },
      `/webhooks/deliveries/${second!.id}/redeliver`,
      csrf,
    );
    expect(crafted.status).toBe(409);
    expect(crafted.html).toContain("This delivery is still being tried; redeliver it once it has succeeded, failed or been skipped.");

    await go(page, '/webhooks/publishing');
    expect(await page.$eval('#last-slot time', (e) => e.getAttribute('datetime'))).toBe(second!.dueAt);
    await pressButton(page, '#publishing-off button');
    expect(await textOf(page, '.notice')).toBe('Publishing is off; 1 waiting publications were skipped.');
    expect(await page.$eval('#publishing-state', (e) => e.getAttribute('data-state'))).toBe('off');
    const [skipped] = await logRows(page, `?status=skipped`, (all) => all.length === 1);
    expect(skipped).toMatchObject({ id: second!.id, status: 'skipped', lastError: 'publishing was turned off before its slot', redeliver: true });
  });

  it('shows a read key every page without a button, and refuses its posts', async () => {
    const { apiKey } = await createApiKey(stack.database.db, account.accountId, { scope: 'read' });
    const context = await browser.createBrowserContext();
    contexts.push(context);
    const reader = await newPage(context);
    await signIn(reader, apiKey);
    await go(reader, '/webhooks');
    expect(await textOf(reader, `tr[data-webhook-id="${webhookId}"] .webhook-url`)).toBe(receiver.url);
    expect(await reader.$$('#new-webhook, form[action$="/test"], a[href$="/delete"]')).toHaveLength(0);
    await go(reader, '/webhooks/deliveries');
    expect((await reader.$$('#deliveries tr[data-delivery-id]')).length).toBeGreaterThanOrEqual(3);
    expect(await reader.$$('form[action$="/redeliver"]')).toHaveLength(0);
    await go(reader, '/webhooks/publishing');
    expect(await reader.$$('#publishing-form, #publishing-off')).toHaveLength(0);
    expect(await textOf(reader, '#publishing-state')).toBe('Publishing is off: approvals publish nothing.');

    const csrf = await reader.$eval('input[name="_csrf"]', (e: any) => e.value as string);
    const post = (action: string, fields: Record<string, string>) =>
      reader.evaluate(async (target, body) => (await fetch(target, { method: 'POST', body: new URLSearchParams(body) })).status, action, { _csrf: csrf, ...fields });
    expect(await post('/webhooks', { url: 'https://example.com/hook', 'events[]': 'task.completed' })).toBe(403);
    expect(await post(`/webhooks/${webhookId}/test`, {})).toBe(403);
    expect(await post('/webhooks/publishing', { webhookId: String(webhookId), intervalMinutes: '0' })).toBe(403);
    const confirm = await go(reader, `/webhooks/${webhookId}/delete`);
    expect(confirm?.status()).toBe(403);
    const live = await stack.database.sql<{ id: number }[]>`SELECT id FROM webhooks WHERE account_id = ${account.accountId} AND deleted_at IS NULL`;
    expect(live.map((r) => r.id)).toEqual([webhookId]);
  });

  it('deletes a webhook only after its confirmation', async () => {
    await go(page, '/webhooks');
    await page.click(`a[href="/webhooks/${webhookId}/delete"]`);
    await page.waitForSelector('#delete-webhook');
    expect(await textOf(page, '#delete-webhook p')).toContain(receiver.url);
    await screenshot(page, 'webhook-delete');
    await submit(page, '#delete-webhook a');
    expect(path(page)).toBe('/webhooks');
    await go(page, `/webhooks/${webhookId}/delete`);
    await pressButton(page, '#delete-webhook button');
    expect(path(page)).toBe(`/webhooks?deleted=${webhookId}`);
    expect(await textOf(page, '.notice')).toBe(`Webhook ${webhookId} deleted.`);
    expect(await textOf(page, '#webhooks tbody')).toBe('Nothing here yet.');
    // Its delivery log stays, named by id now that the webhook is gone.
    await go(page, '/webhooks/deliveries');
    expect(await textOf(page, '#deliveries tbody tr .delivery-webhook')).toBe(`Webhook ${webhookId}`);
  });
});
