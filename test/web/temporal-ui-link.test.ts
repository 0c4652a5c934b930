import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type { Browser } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveTemporalCli } from '../../src/infra/temporal-cli.js';
import { findFreePort, startTemporalDevServer, type TemporalDevServer } from '../../src/infra/temporal-dev-server.js';
import { temporalUiWorkflowUrl } from '../../src/temporal/ui-link.js';
import { waitFor } from '../support/api-server.js';
import { launchBrowser, newPage } from '../support/browser.js';
import { ROOT } from '../support/service-process.js';

/**
 * The console's "view in the Temporal UI" link (temporalUiWorkflowUrl) against the UI the Temporal CLI ships
 * (the dev server `npm start` runs, UI 2.54): it lands on the workflow's latest run, and the UI shows the
 * static summary our workflows carry. The test server of the run is headless, so this one starts its own.
 */
let dev: TemporalDevServer;
let connection: Connection;
let browser: Browser;

beforeAll(async () => {
  const log = { info: () => undefined, warn: (m: string) => console.warn(m) };
  const cli = await resolveTemporalCli({ cliPath: process.env.TEMPORAL_CLI_PATH, toolsDir: path.join(ROOT, '.tools'), log, allowBuild: false });
  dev = await startTemporalDevServer({
    cliPath: cli.path,
    stateDir: path.join(ROOT, '.data', `ui-link-${randomUUID().slice(0, 8)}`),
    port: await findFreePort(),
    uiPort: await findFreePort(),
    namespace: 'default',
    persistent: false,
    log,
  });
  connection = await Connection.connect({ address: dev.address });
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await connection?.close();
  await dev?.stop();
});

describe('the Temporal UI link', () => {
  it("lands on the workflow's run, where the UI shows its summary", { timeout: 120_000 }, async () => {
    // A plain client (no codec): the UI of this test has no codec endpoint, and the summary must read as text.
    const client = new Client({ connection });
    const workflowId = `article-task-${Date.now()}`;
    const summary = 'Task 1: 2 articles for 内容营销, SEO; account 3';
    const handle = await client.workflow.start('articleGenerationWorkflow', { taskQueue: `nobody-polls-${workflowId}`, workflowId, args: [{ taskId: 1 }], staticSummary: summary });

    const page = await newPage(browser);
    await page.goto(temporalUiWorkflowUrl(dev.uiUrl!, 'default', workflowId), { waitUntil: 'domcontentloaded' });
    // The UI's /workflows/:id route resolves the latest run and moves there.
    await page.waitForFunction((runId: string) => (globalThis as any).location.pathname.includes(`/${runId}`), { timeout: 60_000 }, handle.firstExecutionRunId);
    expect(new URL(page.url()).pathname).toMatch(new RegExp(`^/namespaces/default/workflows/${workflowId}/${handle.firstExecutionRunId}(/(history|timeline))?$`));
    await page.waitForFunction((id: string) => (globalThis as any).document.body.innerText.includes(id), { timeout: 60_000 }, workflowId);
    // The run's "User Metadata" tab shows the static summary.
    await page.goto(`${dev.uiUrl}/namespaces/default/workflows/${workflowId}/${handle.firstExecutionRunId}/user-metadata`, { waitUntil: 'domcontentloaded' });
    // The UI renders summaries as Markdown in a sandboxed frame of their own.
    await waitFor('the summary in the UI', async () => {
      for (const frame of page.frames()) {
        const text = await frame.evaluate(() => (globalThis as any).document.body?.innerText ?? '').catch(() => '');
        if (text.includes(summary)) return true;
      }
      return undefined;
    }, 60_000);
    await handle.terminate('test over');
  });
});
