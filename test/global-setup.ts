import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import postgres from 'postgres';
import type { TestProject } from 'vitest/node';
import { runMigrations } from '../src/db/migrate.js';
import { startEmbeddedPostgres } from '../src/infra/embedded-postgres.js';
import { resolveTemporalCli } from '../src/infra/temporal-cli.js';
import { findFreePort, startTemporalDevServer } from '../src/infra/temporal-dev-server.js';
import { resolveWorkflowBundle } from '../src/temporal/workflow-bundle.js';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
    temporalAddress: string;
    workflowBundlePath: string;
  }
}

const ROOT = path.resolve(import.meta.dirname, '..');
const log = { info: (m: string) => console.log(`[setup] ${m}`), warn: (m: string) => console.warn(`[setup] ${m}`) };

/**
 * The real services every integration test uses: a fresh PostgreSQL (embedded-postgres, or
 * DATABASE_URL when set), a fresh Temporal dev server, and the workflow bundle (cached by source hash). A service
 * that cannot start fails the run.
 */
export default async function setup(project: TestProject) {
  const runDir = path.join(ROOT, '.data', `test-run-${process.pid}`);
  await rm(runDir, { recursive: true, force: true });
  await mkdir(runDir, { recursive: true });
  const stops: (() => Promise<void>)[] = [];

  let databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) {
    const pg = await startEmbeddedPostgres({
      dataDir: path.join(runDir, 'postgres'),
      port: await findFreePort(),
      database: 'artgen_test',
      log,
      persistent: false,
    });
    stops.push(pg.stop);
    // The superuser: tests create databases and roles of their own (test/security/data-at-rest.test.ts
    // runs the app as the app role through `npm start`).
    databaseUrl = pg.adminUrl;
  }
  await runMigrations(databaseUrl);
  // Id ranges for the test databases that share the one Temporal server (test/support/crash-stack.ts).
  const main = postgres(databaseUrl, { max: 1, onnotice: () => undefined });
  await main`CREATE SEQUENCE IF NOT EXISTS test_id_ranges MINVALUE 1 MAXVALUE 20 CYCLE`;
  await main.end();

  const cli = await resolveTemporalCli({ cliPath: process.env.TEMPORAL_CLI_PATH, toolsDir: path.join(ROOT, '.tools'), log });
  log.info(`Temporal CLI (${cli.source}): ${cli.reason}`);
  const temporal = await startTemporalDevServer({
    cliPath: cli.path,
    stateDir: runDir,
    port: await findFreePort(),
    uiPort: await findFreePort(),
    namespace: 'default',
    persistent: false,
    headless: true,
    log,
  });
  stops.push(temporal.stop);

  // The cache `npm start` and `npm run worker` use: bundled once per change of the workflow sources, and
  // already there for the worker processes the tests start.
  const bundle = await resolveWorkflowBundle({ mode: 'on-demand' });
  log.info(`workflow bundle (${bundle.source}): ${path.relative(ROOT, bundle.codePath)}`);
  const workflowBundlePath = bundle.codePath;

  project.provide('databaseUrl', databaseUrl);
  project.provide('temporalAddress', temporal.address);
  project.provide('workflowBundlePath', workflowBundlePath);

  return async () => {
    for (const stop of stops.reverse()) await stop().catch((err) => console.error('[teardown]', err));
    await rm(runDir, { recursive: true, force: true });
  };
}
