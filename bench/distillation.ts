// `npm run bench:distillation`: one distillation run of 200 keywords x 10 questions on the real stack in one
// process (embedded PostgreSQL, Temporal dev server, a worker, the loopback LLM stub at L = 1 s), keywords
// asked C = 10 at a time (DISTILL_CONCURRENCY). Prints the wall time beside the limit 1.2 x ceil(200/10) x L
// on one line and writes it to docs/benchmarks.md. Not part of the tests: these machines are noisy.
import { resolveWorkflowBundle } from '../src/temporal/workflow-bundle.js';
import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { NativeConnection } from '@temporalio/worker';
import { createActivities } from '../src/activities/index.js';
import { connectDatabase } from '../src/db/client.js';
import { runMigrations } from '../src/db/migrate.js';
import { createAccount } from '../src/domain/accounts/index.js';
import { createDistillationRun } from '../src/domain/distillations/runs/run-requests.js';
import { startEmbeddedPostgres } from '../src/infra/embedded-postgres.js';
import { resolveTemporalCli } from '../src/infra/temporal-cli.js';
import { findFreePort, startTemporalDevServer } from '../src/infra/temporal-dev-server.js';
import { createOpenAiClient } from '../src/llm/index.js';
import { createLogger } from '../src/logger.js';
import { distillationRunWorkflowId } from '../src/shared/distillation-runs.js';
import { connectTemporal } from '../src/temporal/connect.js';
import { startDistillationRunWorkflow } from '../src/temporal/distillation-run-control.js';
import { AesGcmPayloadCodec } from '../src/temporal/payload-codec.js';
import { createTaskWorkers, installTemporalRuntime } from '../src/temporal/workers.js';
import type { DistillationRunSummary } from '../src/workflows/contracts.js';
import { startLlmStub } from '../test/support/llm-stub.js';
import { benchCleanup } from './cleanup.js';
import { writeBenchSection } from './results-doc.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const KEYWORDS = Number(process.env.BENCH_KEYWORDS ?? 200);
const QUESTIONS = 10;
const LATENCY_MS = 1000;
const CONCURRENCY = 10;
const LLM_CONCURRENCY = 20;
const quiet = { info: () => undefined, warn: (m: string) => console.warn(m) };
const cleanup = benchCleanup();
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

async function main() {
  const runDir = path.join(ROOT, '.data', `bench-distillation-${process.pid}`);
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
  const target = { client: client.client, taskQueue: `distill-tasks-${suffix}` };
  const llmTaskQueue = `distill-llm-${suffix}`;
  const llmPolicy = { timeoutMs: 60_000, maxAttempts: 3, retryInitialMs: 200, heartbeatTimeoutMs: 20_000, maxRewrites: 2 };
  const llm = createOpenAiClient({ baseUrl: stub.url, model: 'stub', timeoutMs: 60_000 });
  const workers = await createTaskWorkers({
    connection, namespace: 'default', taskQueue: target.taskQueue, llmTaskQueue, codec, llmConcurrency: LLM_CONCURRENCY,
    workflowBundle: { codePath: (await resolveWorkflowBundle()).codePath },
    activities: createActivities({ db: database.db, llm, log: createLogger('silent'), llmTaskQueue, llmPolicy, distillConcurrency: CONCURRENCY }),
  });
  const running = workers.run();
  cleanup.onStop(async () => {
    workers.shutdown();
    await running;
  });

  const { accountId } = await createAccount(database.db, 'bench-distillation');
  const keywords = Array.from({ length: KEYWORDS }, (_, i) => `bench keyword ${i}`);
  const t0 = Date.now();
  const runId = await database.db.transaction((tx) => createDistillationRun(tx, accountId, { keywords, questionsPerKeyword: QUESTIONS, review: false }, null));
  await startDistillationRunWorkflow(target, { id: runId, accountId });
  const summary = await client.client.workflow.getHandle(distillationRunWorkflowId(runId)).result() as DistillationRunSummary;
  const wall = Date.now() - t0;
  const [topics] = await database.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM topics t JOIN distillations d ON d.id = t.distillation_id WHERE d.account_id = ${accountId}`;
  if (summary.status !== 'completed' || summary.doneCount !== KEYWORDS) throw new Error(`the run ended ${summary.status} with ${summary.doneCount} of ${KEYWORDS} keywords done`);
  const limit = 1.2 * Math.ceil(KEYWORDS / CONCURRENCY) * LATENCY_MS;
  const line = `${KEYWORDS} keywords x ${QUESTIONS} questions, C=${CONCURRENCY}, L=${LATENCY_MS} ms: wall ${seconds(wall)} | floor ceil(${KEYWORDS}/${CONCURRENCY}) x L = ${seconds(Math.ceil(KEYWORDS / CONCURRENCY) * LATENCY_MS)} | limit 1.2x = ${seconds(limit)} | ${wall <= limit ? 'met' : 'MISSED'} (${topics!.n} topics written, stub peak in flight ${stub.maxInFlight})`;
  console.log(line);

  const machine = `${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}, load average ${os.loadavg()[0]!.toFixed(1)}, Node ${process.version}`;
  await writeBenchSection('distillation', `Latest \`npm run bench:distillation\` (${new Date().toISOString()}, ${machine}):\n\n    ${line}`);
}

main()
  .catch((err) => {
    console.error(err);
    process.exitCode = 1;
  })
  .finally(() => cleanup.stopAll('SIGTERM'));
