import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { and, eq } from 'drizzle-orm';
import type { Browser, BrowserContext, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents } from '../../src/db/schema.js';
import { resolveTemporalCli } from '../../src/infra/temporal-cli.js';
import { findFreePort, startTemporalDevServer, type TemporalDevServer } from '../../src/infra/temporal-dev-server.js';
import { startApiServer, waitFor } from '../support/api-server.js';
import { launchBrowser, newPage, submit } from '../support/browser.js';
import { newAccount, openTestDatabase, seedDistillations } from '../support/db.js';
import { keywordOf, startLlmStub, type LlmStub } from '../support/llm-stub.js';
import { startTestWorker } from '../support/worker.js';

/**
 * The Temporal UI of a dev server started as `npm start` starts it (`--ui-codec-endpoint` at the API's
 * codec) shows decoded histories to someone signed in to the console with an operator key: the UI's
 * browser sends the console's session cookie to /api/temporal-codec (same site, other port). Without the
 * session, or with a write key's, the codec refuses and the page shows no plaintext.
 */
const ROOT = path.resolve(import.meta.dirname, '../..');
const CODEC = '/api/temporal-codec';
const database = openTestDatabase();
const contexts: BrowserContext[] = [];
let stub: LlmStub;
let dev: TemporalDevServer;
let worker: Awaited<ReturnType<typeof startTestWorker>>;
let api: Awaited<ReturnType<typeof startApiServer>>;
let browser: Browser;
let uiUrl: string;
let operator: Awaited<ReturnType<typeof newAccount>>;
let writer: Awaited<ReturnType<typeof newAccount>>;
const keyword = `Quokka${randomUUID().slice(0, 6)}`;
let workflowId = '';

beforeAll(async () => {
  // The stub's articles start with the keyword, so the title is in the first characters of the
  // activity result the history's list shows.
  stub = await startLlmStub({
    behavior: (req) => {
      const kw = keywordOf(req) ?? 'topic';
      return { content: `# ${kw}\n\n${kw} is what this article is about. ${'It is written by a stub for the Temporal UI test. '.repeat(3)}` };
    },
  });
  const apiPort = await findFreePort();
  const silent = { info: () => undefined, warn: () => undefined };
  const cli = await resolveTemporalCli({ cliPath: process.env.TEMPORAL_CLI_PATH, toolsDir: path.join(ROOT, '.tools'), log: silent, allowBuild: false });
  dev = await startTemporalDevServer({
    cliPath: cli.path,
    stateDir: path.join(ROOT, '.data', `temporal-ui-codec-${process.pid}`),
    port: await findFreePort(),
    uiPort: await findFreePort(),
    namespace: 'default',
    persistent: false,
    uiCodecEndpoint: `http://127.0.0.1:${apiPort}${CODEC}`,
    log: silent,
  });
  uiUrl = dev.uiUrl!;
  worker = await startTestWorker(database, stub.url, {}, { temporalAddress: dev.address });
  api = await startApiServer(database, worker.target, { codecCorsOrigins: [uiUrl] }, apiPort);

  operator = await newAccount(database, { scope: 'operator' });
  writer = await newAccount(database);
  await seedDistillations(database, operator.accountId, [{ keyword, topics: [`Where do ${keyword} sleep?`] }]);
  const created = await api.call('POST', '/api/article-generation/tasks', operator.apiKey, { articleCount: 1 });
  expect(created.status, created.text).toBe(201);
  workflowId = created.body.workflowId;
  await waitFor('the task to complete', async () => ((await api.call('GET', `/api/article-generation/tasks/${created.body.taskId}`, operator.apiKey)).body.status === 'completed' ? true : undefined));
  browser = await launchBrowser();
}, 180_000);

afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => undefined);
  await browser?.close();
  await api?.close();
  await worker?.stop();
  await dev?.stop();
  await stub?.close();
  await database.close();
});

/** A browser of its own (own cookies and storage), signed in to the console with `key` unless null. */
async function person(key: string | null) {
  const context = await browser.createBrowserContext();
  contexts.push(context);
  const page = await newPage(context);
  if (key) {
    await page.goto(`${api.url}/sign-in`);
    await page.type('#api-key', key);
    await submit(page, 'form[action="/sign-in"] button');
    expect(new URL(page.url()).pathname).not.toBe('/sign-in');
  }
  return page;
}

/**
 * Opens the workflow's event history in the Temporal UI, with the UI's codec setting "include
 * cross-origin credentials" on (what a person ticks once in the UI's Codec Server settings; the dev
 * server has no flag for it). Resolves with the statuses the codec answered the UI.
 */
async function openHistory(page: Page) {
  const statuses: number[] = [];
  page.on('response', (r) => {
    if (r.url().startsWith(`${api.url}${CODEC}/decode`) && r.request().method() === 'POST') statuses.push(r.status());
  });
  await page.goto(`${uiUrl}/namespaces/default/workflows`, { waitUntil: 'domcontentloaded' });
  // The keys the UI's Codec Server settings keep in localStorage (JSON values).
  const endpoint = JSON.stringify(JSON.stringify(`${api.url}${CODEC}`));
  await page.evaluate(`localStorage.setItem('endpoint', ${endpoint});
    localStorage.setItem('includeCredentials', 'true');
    localStorage.setItem('overrideRemoteCodecConfiguration', 'true');`);
  await page.goto(`${uiUrl}/namespaces/default/workflows/${workflowId}`, { waitUntil: 'domcontentloaded' });
  await page.waitForFunction('/\\/(timeline|history)$/.test(location.pathname)', { timeout: 60_000 });
  await page.goto(page.url().replace(/\/timeline$/, '/history'), { waitUntil: 'domcontentloaded' });
  await page.waitForFunction(`document.body.innerText.includes('Activity Task Completed')`, { timeout: 60_000 });
  await waitFor('the UI to call the codec', async () => (statuses.length > 0 ? true : undefined), 60_000);
  return statuses;
}

const pageText = (page: Page) => page.evaluate('document.body.innerText') as Promise<string>;

describe('the Temporal UI decodes for a console session with an operator key', () => {
  it('shows the distillation keyword in the decoded history to an operator signed in to the console; the codec call is audited', async () => {
    const page = await person(operator.apiKey);
    const statuses = await openHistory(page);
    await page.waitForFunction(`document.body.innerText.includes(${JSON.stringify(keyword)})`, { timeout: 60_000 });
    expect(statuses.every((s) => s === 200), String(statuses)).toBe(true);
    const audited = await database.db
      .select({ status: auditEvents.status, keyPrefix: auditEvents.keyPrefix })
      .from(auditEvents)
      .where(and(eq(auditEvents.accountId, operator.accountId), eq(auditEvents.route, `${CODEC}/decode`)));
    expect(audited.length).toBeGreaterThan(0);
    expect(audited.every((a) => a.status === 200 && a.keyPrefix !== null)).toBe(true);
  });

  it('without a console session the codec answers 401 and the page shows no keyword', async () => {
    const page = await person(null);
    const statuses = await openHistory(page);
    expect(new Set(statuses)).toEqual(new Set([401]));
    expect(await pageText(page)).not.toContain(keyword);
  });

  it("with a write key's console session the codec answers 403 and the page shows no keyword", async () => {
    const page = await person(writer.apiKey);
    const statuses = await openHistory(page);
    expect(new Set(statuses)).toEqual(new Set([403]));
    expect(await pageText(page)).not.toContain(keyword);
  });

  it('lets a session in only from the UI origin: another origin, or no origin, needs an API key', async () => {
    const page = await person(operator.apiKey);
    const cookies = await page.cookies(api.url);
    const cookie = cookies.map((c) => `${c.name}=${c.value}`).join('; ');
    const body = JSON.stringify({ payloads: [] });
    const post = (headers: Record<string, string>) => fetch(`${api.url}${CODEC}/decode`, { method: 'POST', headers: { 'content-type': 'application/json', cookie, ...headers }, body });
    expect((await post({ origin: uiUrl })).status).toBe(200);
    expect((await post({ origin: 'http://127.0.0.1:1' })).status).toBe(401);
    expect((await post({})).status).toBe(401);
  });
});
