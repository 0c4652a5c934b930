import { randomBytes } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from '../../src/infra/embedded-postgres.js';
import { findFreePort } from '../../src/infra/process-utils.js';
import { resolveTemporalCli } from '../../src/infra/temporal-cli.js';
import { startTemporalDevServer, type TemporalDevServer } from '../../src/infra/temporal-dev-server.js';
import { waitFor } from '../support/api-server.js';
import { startServiceProcess, type ServiceProcess } from '../support/service-process.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const workDir = path.join(ROOT, '.data', `test-dependency-wait-${randomBytes(4).toString('hex')}`);
const log = { info: (m: string) => console.log(`[wait-test] ${m}`), warn: (m: string) => console.log(`[wait-test] WARN ${m}`) };
const processes: ServiceProcess[] = [];
let pg: EmbeddedPostgresHandle | undefined;
let temporal: TemporalDevServer | undefined;

beforeAll(() => mkdir(workDir, { recursive: true }));
afterAll(async () => {
  for (const p of processes) await p.stop();
  await temporal?.stop();
  await pg?.stop();
  await rm(workDir, { recursive: true, force: true });
});

const count = (text: string, pattern: RegExp) => text.match(new RegExp(pattern, 'g'))?.length ?? 0;

it('api and worker started before PostgreSQL and Temporal wait for them, then become ready', { timeout: 300_000 }, async () => {
  const [pgPort, temporalPort, apiPort] = [await findFreePort(), await findFreePort(), await findFreePort()];
  const suffix = randomBytes(4).toString('hex');
  // Initialised and stopped first: its app role's password is generated on the first start.
  const pgOpts = { dataDir: path.join(workDir, 'pg'), port: pgPort, database: 'artgen_wait', log };
  pg = await startEmbeddedPostgres(pgOpts);
  await pg.stop();
  const env = {
    DATABASE_URL: pg.url,
    TEMPORAL_ADDRESS: `127.0.0.1:${temporalPort}`,
    PORT: String(apiPort),
    TASK_QUEUE: `wait-tasks-${suffix}`,
    LLM_TASK_QUEUE: `wait-llm-${suffix}`,
    USAGE_VERIFY_SCHEDULE_ID: `wait-usage-${suffix}`,
  };
  const api = startServiceProcess('src/api-server.ts', env);
  const worker = startServiceProcess('src/worker.ts', env);
  processes.push(api, worker);
  const waitingForPg = new RegExp(`waiting for PostgreSQL at 127\\.0\\.0\\.1:${pgPort}`);
  const waitingForTemporal = new RegExp(`waiting for Temporal at 127\\.0\\.0\\.1:${temporalPort}`);
  await api.waitForOutput(waitingForPg);
  await worker.waitForOutput(waitingForPg);

  pg = await startEmbeddedPostgres(pgOpts);
  await api.waitForOutput(waitingForTemporal);
  await worker.waitForOutput(waitingForTemporal);

  const cli = await resolveTemporalCli({ cliPath: process.env.TEMPORAL_CLI_PATH || undefined, toolsDir: path.join(ROOT, '.tools'), log, allowBuild: false });
  temporal = await startTemporalDevServer({
    cliPath: cli.path, stateDir: path.join(workDir, 'temporal'), port: temporalPort, uiPort: 0,
    namespace: 'default', persistent: false, headless: true, log,
  });

  await waitFor('the API to answer health 200', async () => {
    const status = await fetch(`http://127.0.0.1:${apiPort}/api/health`).then((r) => r.status, () => 0);
    return status === 200 ? true : undefined;
  }, 120_000);
  await worker.waitForOutput(/"msg":"worker running"/);

  for (const p of [api, worker]) {
    expect(p.child.exitCode).toBeNull();
    expect(count(p.output(), waitingForPg)).toBe(1);
    expect(count(p.output(), waitingForTemporal)).toBe(1);
  }

  // `docker stop` sends SIGTERM to the process docker-compose starts (node itself, see docker-compose.yml):
  // both stop in order, say so and exit 0.
  for (const p of [api, worker]) p.child.kill('SIGTERM');
  for (const p of [api, worker]) {
    expect(await p.exited).toBe(0);
    expect(p.output()).toMatch(/"msg":"stopped"/);
  }
});
