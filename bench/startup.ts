// `npm run bench:startup`: how long a worker takes from process start to polling its queues, and `npm start`
// to "ready", cold (no workflow bundle cached) and warm. Prints each figure beside its target and writes
// docs/benchmarks.md. Needs `npm run build` for the compiled worker (run here when dist/ is missing or stale).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { runMigrations } from '../src/db/migrate.js';
import { startEmbeddedPostgres } from '../src/infra/embedded-postgres.js';
import { resolveTemporalCli } from '../src/infra/temporal-cli.js';
import { findFreePort, startTemporalDevServer } from '../src/infra/temporal-dev-server.js';
import { newPayloadKeySpec } from '../src/temporal/payload-keys.js';
import { resolveWorkflowBundle, type WorkflowBundle } from '../src/temporal/workflow-bundle.js';
import { benchCleanup } from './cleanup.js';
import { writeBenchSection } from './results-doc.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const quiet = { info: () => undefined, warn: (m: string) => console.warn(m) };
const cleanup = benchCleanup();
const runDir = path.join(ROOT, '.data', `bench-startup-${process.pid}`);
cleanup.onStop(() => rm(runDir, { recursive: true, force: true, maxRetries: 5 }));

const WORKER_TARGET_MS = 2000;
const NPM_START_WARM_TARGET_MS = 3000;
const REPEATS = 3;
const READY_TIMEOUT_MS = 180_000;
const STOP_TIMEOUT_MS = 30_000;
/** BENCH_STARTUP_LOG=1: every started process's output, each line prefixed with ms since its spawn. */
const SHOW_OUTPUT = process.env.BENCH_STARTUP_LOG === '1';

interface Figure {
  name: string;
  ms: number;
  target?: number;
}

/**
 * Runs `command`, resolves with ms from spawn to the first output matching `ready`, then, once it printed
 * `stoppable` (its signal handler is in place), stops it (SIGTERM) and waits for its exit.
 */
async function timeToReady(command: string, args: string[], env: Record<string, string>, ready: RegExp, stoppable = ready): Promise<number> {
  const started = performance.now();
  const child = cleanup.spawn(command, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let readyAt: number | undefined;
  const ms = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${args.join(' ')}: no ${ready} within ${READY_TIMEOUT_MS} ms:\n${out.slice(-2000)}`)), READY_TIMEOUT_MS);
    const onData = (b: Buffer) => {
      const at = performance.now() - started;
      out += b.toString();
      if (SHOW_OUTPUT) for (const line of b.toString().trimEnd().split('\n')) console.error(`[${at.toFixed(0).padStart(6)} ms] ${line.slice(0, 240)}`);
      if (ready.test(out) && stoppable.test(out)) {
        clearTimeout(timer);
        resolve(readyAt ?? at);
      }
      if (ready.test(out)) readyAt ??= at;
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited (${code}) before ${ready}:\n${out.slice(-2000)}`)));
  });
  await stop(child);
  return ms;
}

/** SIGTERM to its process group (a shell's background job ignores SIGINT, and so would its children). */
async function stop(child: ChildProcess) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  process.kill(-child.pid!, 'SIGTERM');
  if (SHOW_OUTPUT) console.error(`[bench] SIGTERM to process group ${child.pid}`);
  const timer = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}

function run(command: string, args: string[]) {
  return new Promise<void>((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, stdio: 'inherit' });
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} exited with ${code}`))));
  });
}

/** `npm run build` unless dist/ holds a bundle of the current sources. */
async function ensureBuilt() {
  const fresh = await resolveWorkflowBundle({ mode: 'prebuilt' }).then(
    () => true,
    () => false,
  );
  if (!fresh) {
    console.log('dist/ missing or stale: npm run build');
    await run('npm', ['run', 'build']);
  }
}

/** Removes the cached bundle of the current sources, so the next on-demand start bundles. */
async function dropCachedBundle(): Promise<WorkflowBundle> {
  const bundle = await resolveWorkflowBundle({ mode: 'on-demand' });
  await rm(bundle.codePath, { force: true });
  return bundle;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function measureWorkers(env: Record<string, string>): Promise<Figure[]> {
  const polling = /"msg":"worker polling"/;
  // The worker's SIGTERM handler is set once its start-up is over ("worker running").
  const running = /"msg":"worker running"/;
  const compiled = () => timeToReady(process.execPath, ['dist/worker.js'], env, polling, running);
  const fromSource = () => timeToReady(process.execPath, ['--import', 'tsx', 'src/worker.ts'], env, polling, running);
  // The first compiled start reads dist/ and the bundle from disk; the later ones from the page cache.
  const compiledFirst = await compiled();
  const compiledRuns = [];
  for (let i = 0; i < REPEATS; i++) compiledRuns.push(await compiled());
  await dropCachedBundle();
  const sourceCold = await fromSource();
  const sourceWarm = [];
  for (let i = 0; i < REPEATS; i++) sourceWarm.push(await fromSource());
  return [
    { name: 'worker start to polling, compiled (`node dist/worker.js`), first start after the build', ms: compiledFirst, target: WORKER_TARGET_MS },
    { name: `worker start to polling, compiled, median of ${REPEATS}`, ms: median(compiledRuns), target: WORKER_TARGET_MS },
    { name: 'worker start to polling, from source (`npm run worker`), cold: no cached bundle', ms: sourceCold },
    { name: `worker start to polling, from source, warm: cached bundle, median of ${REPEATS}`, ms: median(sourceWarm) },
  ];
}

async function measureNpmStart(): Promise<Figure[]> {
  const env = async () => ({
    DATA_DIR: path.join(runDir, 'npm-start'),
    DATABASE_URL: '',
    TEMPORAL_ADDRESS: '',
    TEMPORAL_PAYLOAD_KEYS: '',
    LOG_LEVEL: 'info',
    EMBEDDED_PG_PORT: String(await findFreePort()),
    TEMPORAL_PORT: String(await findFreePort()),
    TEMPORAL_UI_PORT: String(await findFreePort()),
    PORT: String(await findFreePort()),
  });
  const npmStart = async () => timeToReady('npm', ['start'], await env(), /artgen is ready in/);
  await dropCachedBundle();
  const firstEver = await npmStart();
  await dropCachedBundle();
  const coldBundle = await npmStart();
  const warm = [];
  for (let i = 0; i < REPEATS; i++) warm.push(await npmStart());
  return [
    { name: '`npm start` to ready, first start: new data folder (initdb), no cached bundle', ms: firstEver },
    { name: '`npm start` to ready, cold: existing data folder, no cached bundle', ms: coldBundle },
    { name: `\`npm start\` to ready, warm: existing data folder, cached bundle, median of ${REPEATS}`, ms: median(warm), target: NPM_START_WARM_TARGET_MS },
  ];
}

async function main() {
  const loadBefore = os.loadavg();
  await ensureBuilt();
  await mkdir(runDir, { recursive: true });
  const pg = await startEmbeddedPostgres({ dataDir: path.join(runDir, 'postgres'), port: await findFreePort(), database: 'artgen_startup', log: quiet, persistent: false });
  cleanup.onStop(pg.stop);
  await runMigrations(pg.url);
  const cli = await resolveTemporalCli({ cliPath: process.env.TEMPORAL_CLI_PATH, toolsDir: path.join(ROOT, '.tools'), log: quiet });
  const temporal = await startTemporalDevServer({
    cliPath: cli.path,
    stateDir: runDir,
    port: await findFreePort(),
    uiPort: await findFreePort(),
    namespace: 'default',
    persistent: false,
    headless: true,
    log: quiet,
  });
  cleanup.onStop(temporal.stop);
  const workerEnv = { DATABASE_URL: pg.url, TEMPORAL_ADDRESS: temporal.address, TEMPORAL_PAYLOAD_KEYS: newPayloadKeySpec(), LOG_LEVEL: 'info' };
  const figures = [...(await measureWorkers(workerEnv)), ...(await measureNpmStart())];
  const loadAfter = os.loadavg();

  const load = `load average ${loadBefore[0]!.toFixed(1)} before, ${loadAfter[0]!.toFixed(1)} after`;
  const cpus = `${os.cpus().length} x ${os.cpus()[0]?.model.trim()}`;
  const rows = figures.map((f) => `| ${f.name} | ${(f.ms / 1000).toFixed(2)} s | ${f.target ? `<= ${f.target / 1000} s ${f.ms <= f.target ? 'met' : '**not met**'}` : '(no target)'} |`);
  const table = ['| measure | this run | target (quiet machine) |', '| --- | --- | --- |', ...rows].join('\n');
  console.log(`\n${cpus}, Node ${process.version}, ${load}\n\n${table}\n`);
  await writeBenchSection(
    'startup',
    `## Start-up: latest run (${new Date().toISOString()}, ${cpus}, ${load}, Node ${process.version})\n\nTime from spawning the process to the worker's "worker polling" line (its workers RUNNING on both queues) and to \`npm start\`'s "artgen is ready" line; \`npm run bench:startup\`.\n\n${table}`,
  );
}

main()
  .then(() => cleanup.stopAll('SIGTERM'))
  .catch(async (err) => {
    console.error(err);
    await cleanup.stopAll('SIGTERM');
    process.exit(1);
  });
