// `npm run bench:floor`: what Temporal orchestration alone costs on this machine. The same N=100, C=10,
// L=200 ms task shape as `npm run bench`, but the activity only waits L: no database, no HTTP, no API.
// Its ratio to ceil(N/C)*L is the lowest the real task can reach here; `npm run bench` prints both.
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { resolveTemporalCli } from '../src/infra/temporal-cli.js';
import { findFreePort, startTemporalDevServer } from '../src/infra/temporal-dev-server.js';
import { installTemporalRuntime } from '../src/temporal/workers.js';
import { benchCleanup } from './cleanup.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const quiet = { info: () => undefined, warn: (m: string) => console.warn(m) };

export interface FloorResult {
  wallMs: number;
  limitMs: number;
}

/** Runs the floor workflow against a Temporal server at `address` with its own workers in this process. */
export async function measureFloor(address: string, n = 100, concurrency = 10, latencyMs = 200, runs = 3): Promise<FloorResult[]> {
  installTemporalRuntime('ERROR');
  const connection = await NativeConnection.connect({ address });
  const queue = `floor-${process.pid}`;
  const llmQueue = `${queue}-llm`;
  const workflowWorker = await Worker.create({ connection, taskQueue: queue, workflowsPath: path.join(ROOT, 'bench/floor/workflows.ts') });
  const activityWorker = await Worker.create({
    connection,
    taskQueue: llmQueue,
    activities: { wait: (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)) },
    maxConcurrentActivityTaskExecutions: 100,
  });
  const running = Promise.all([workflowWorker.run(), activityWorker.run()]);
  const clientConnection = await Connection.connect({ address });
  const client = new Client({ connection: clientConnection });
  const results: FloorResult[] = [];
  try {
    for (let i = -1; i < runs; i++) {
      const started = Date.now();
      await client.workflow.execute('floorWorkflow', { taskQueue: queue, workflowId: `${queue}-${i + 1}`, args: [n, concurrency, latencyMs, llmQueue] });
      // The first run warms the bundle, the pollers and the JIT; it is not reported.
      if (i >= 0) results.push({ wallMs: Date.now() - started, limitMs: Math.ceil(n / concurrency) * latencyMs });
    }
  } finally {
    workflowWorker.shutdown();
    activityWorker.shutdown();
    await running;
    await clientConnection.close();
    await connection.close();
  }
  return results;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  // Only when run on its own: `npm run bench` imports this module and owns the clean-up there.
  const cleanup = benchCleanup();
  const runDir = path.join(ROOT, '.data', `bench-floor-${process.pid}`);
  cleanup.onStop(() => rm(runDir, { recursive: true, force: true, maxRetries: 5 }));
  const cli = await resolveTemporalCli({ cliPath: process.env.TEMPORAL_CLI_PATH, toolsDir: path.join(ROOT, '.tools'), log: quiet });
  const temporal = await startTemporalDevServer({
    cliPath: cli.path, stateDir: runDir, port: await findFreePort(), uiPort: await findFreePort(), namespace: 'default', persistent: false, headless: true, log: quiet,
  });
  cleanup.onStop(temporal.stop);
  try {
    for (const [n, c, l] of [[100, 10, 200], [20, 1, 200], [100, 10, 0], [20, 1, 0]] as const) {
      const walls = (await measureFloor(temporal.address, n, c, l, 2)).map((r) => r.wallMs);
      const limit = Math.ceil(n / c) * l;
      const perWave = walls.map((w) => ((w - limit) / Math.ceil(n / c)).toFixed(1));
      console.log(`floor N=${n} C=${c} L=${l} ms: ${walls.join(', ')} ms (limit ${limit} ms); overhead per wave ${perWave.join(', ')} ms`);
    }
  } finally {
    await cleanup.stopAll('SIGTERM');
  }
}
