// `npm run bench:fairness`: does one account's backlog starve another account on the LLM queue? The real
// stack in one process (embedded PostgreSQL, Temporal dev server, a worker, the loopback LLM stub at a
// fixed latency): account B's one-article task on an idle system, then again right after account A has
// queued 1,000 one-article tasks. Prints both times, the ratio and the limit on one line and writes them
// to docs/benchmarks.md. Not part of the tests: these machines are noisy.
import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { NativeConnection } from '@temporalio/worker';
import { createActivities } from '../src/activities/index.js';
import { connectDatabase } from '../src/db/client.js';
import { runMigrations } from '../src/db/migrate.js';
import { accountFairnessWeight, createAccount } from '../src/domain/accounts/index.js';
import { createTaskWithReservations } from '../src/domain/tasks/selection.js';
import { taskWorkflowId } from '../src/domain/tasks/workflow-id.js';
import { startEmbeddedPostgres } from '../src/infra/embedded-postgres.js';
import { resolveTemporalCli } from '../src/infra/temporal-cli.js';
import { findFreePort, startTemporalDevServer } from '../src/infra/temporal-dev-server.js';
import { createOpenAiClient } from '../src/llm/index.js';
import { createLogger } from '../src/logger.js';
import { connectTemporal } from '../src/temporal/connect.js';
import { AesGcmPayloadCodec } from '../src/temporal/payload-codec.js';
import { startTaskWorkflow } from '../src/temporal/start-task-workflow.js';
import { createTaskWorkers, installTemporalRuntime } from '../src/temporal/workers.js';
import { resolveWorkflowBundle } from '../src/temporal/workflow-bundle.js';
import { startLlmStub } from '../test/support/llm-stub.js';
import { benchCleanup } from './cleanup.js';
import { writeBenchSection } from './results-doc.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const BACKLOG = Number(process.env.BENCH_BACKLOG ?? 1000);
const LATENCY_MS = 1000;
const LLM_CONCURRENCY = 20;
const LIMIT = 3;
const quiet = { info: () => undefined, warn: (m: string) => console.warn(m) };
const cleanup = benchCleanup();
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

async function main() {
  const runDir = path.join(ROOT, '.data', `bench-fairness-${process.pid}`);
  // Registered first, so it runs last: the servers stop before their folder goes.
  cleanup.onStop(() => rm(runDir, { recursive: true, force: true }));
  const pg = await startEmbeddedPostgres({ dataDir: path.join(runDir, 'pg'), port: await findFreePort(), database: 'bench', log: quiet, persistent: false });
  cleanup.onStop(pg.stop);
  await runMigrations(pg.url);
  const cli = await resolveTemporalCli({ cliPath: process.env.TEMPORAL_CLI_PATH, toolsDir: path.join(ROOT, '.tools'), log: quiet });
  const temporal = await startTemporalDevServer({
    cliPath: cli.path, stateDir: runDir, port: await findFreePort(), uiPort: await findFreePort(), namespace: 'default', persistent: false, headless: true, log: quiet,
  });
  cleanup.onStop(temporal.stop);
  const stub = await startLlmStub({ latencyMs: LATENCY_MS });
  cleanup.onStop(() => stub.close());
  const database = connectDatabase(pg.url, { max: 10 });
  cleanup.onStop(database.close);

  installTemporalRuntime('ERROR');
  const codec = new AesGcmPayloadCodec([{ id: 'bench', key: Buffer.alloc(32, 1) }]);
  const client = await connectTemporal(temporal.address, 'default', codec);
  cleanup.onStop(client.close);
  const connection = await NativeConnection.connect({ address: temporal.address });
  cleanup.onStop(() => connection.close());
  const suffix = randomUUID().slice(0, 8);
  const target = { client: client.client, taskQueue: `fair-tasks-${suffix}` };
  const llmPolicy = { timeoutMs: 60_000, maxAttempts: 3, retryInitialMs: 200, heartbeatTimeoutMs: 20_000, maxRewrites: 2 };
  const workers = await createTaskWorkers({
    connection, namespace: 'default', taskQueue: target.taskQueue, llmTaskQueue: `fair-llm-${suffix}`, codec, llmConcurrency: LLM_CONCURRENCY,
    workflowBundle: { codePath: (await resolveWorkflowBundle()).codePath },
    activities: createActivities({ db: database.db, llm: createOpenAiClient({ baseUrl: stub.url, model: 'stub', timeoutMs: 60_000 }), log: createLogger('silent'), llmTaskQueue: `fair-llm-${suffix}`, llmPolicy }),
  });
  const running = workers.run();
  cleanup.onStop(async () => {
    workers.shutdown();
    await running;
  });

  const seed = async (name: string, n: number) => {
    const { accountId } = await createAccount(database.db, name);
    for (let i = 0; i < n; i++) {
      const [row] = await database.sql<{ id: number }[]>`INSERT INTO distillations (account_id, keyword, topic_count) VALUES (${accountId}, ${`${name} keyword ${i}`}, 1) RETURNING id`;
      await database.sql`INSERT INTO topics (distillation_id, question, position) VALUES (${row!.id}, ${`What about ${name} ${i}?`}, 0)`;
    }
    return accountId;
  };
  const start = async (accountId: number) => {
    const task = await createTaskWithReservations(database.db, accountId, { articleCount: 1, concurrency: 1 });
    await startTaskWorkflow(target, { ...task, fairnessWeight: await accountFairnessWeight(database.db, accountId) });
    return task.id;
  };
  const timeOne = async (accountId: number) => {
    const t0 = Date.now();
    const id = await start(accountId);
    const result = await client.client.workflow.getHandle(taskWorkflowId(id)).result();
    if (result.status !== 'completed') throw new Error(`B's task ended ${result.status}`);
    return Date.now() - t0;
  };

  const a = await seed('account-a', 100);
  const b = await seed('account-b', 10);
  const idleRuns = [await timeOne(b), await timeOne(b), await timeOne(b)].sort((x, y) => x - y);
  const idle = idleRuns[1]!;

  // A's tasks queue up behind an LLM that holds every answer until all of them wait, then B arrives.
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  stub.setBehavior(async () => {
    await gate;
    return {};
  });
  const queued = Array.from({ length: BACKLOG }, () => a);
  await Promise.all(Array.from({ length: 8 }, async () => {
    for (let next = queued.pop(); next !== undefined; next = queued.pop()) await start(next);
  }));
  for (;;) {
    const [r] = await database.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM generation_tasks WHERE account_id = ${a} AND status = 'running'`;
    if (r!.n >= BACKLOG) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  await new Promise((resolve) => setTimeout(resolve, 1000)); // the last startTask results reach their workflows
  open();
  const behind = await timeOne(b);
  const [aDone] = await database.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM articles WHERE account_id = ${a}`;
  const ratio = behind / idle;
  const line = `B idle ${seconds(idle)} | B behind A's ${BACKLOG} queued tasks ${seconds(behind)} | ratio ${ratio.toFixed(2)}x | limit ${LIMIT}x | ${ratio <= LIMIT ? 'met' : 'MISSED'} (A had ${aDone!.n} of ${BACKLOG} done when B finished)`;
  console.log(line);

  const machine = `${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}, L=${LATENCY_MS} ms, LLM concurrency ${LLM_CONCURRENCY}, B idle runs ${idleRuns.map(seconds).join(' / ')}`;
  await writeBenchSection('fairness', `Latest \`npm run bench:fairness\` (${new Date().toISOString()}, ${machine}):\n\n    ${line}`);
}

main()
  .catch((err) => {
    console.error(err);
    process.exitCode = 1;
  })
  .finally(() => cleanup.stopAll('SIGTERM'));
