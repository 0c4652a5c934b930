// `npm run bench`: speed and memory of the real stack (embedded PostgreSQL, Temporal dev server, the
// API and a worker as separate processes, the loopback LLM stub at fixed latency). Prints each figure
// next to its limit and writes docs/benchmarks.md. Not part of the tests: these machines are noisy.
import type { ChildProcess } from 'node:child_process';
import { readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { connectDatabase } from '../src/db/client.js';
import { runMigrations } from '../src/db/migrate.js';
import { createAccount } from '../src/domain/accounts/index.js';
import { startEmbeddedPostgres } from '../src/infra/embedded-postgres.js';
import { resolveTemporalCli } from '../src/infra/temporal-cli.js';
import { findFreePort, startTemporalDevServer } from '../src/infra/temporal-dev-server.js';
import { isFinalEventType } from '../src/shared/events/index.js';
import { newPayloadKeySpec } from '../src/temporal/payload-keys.js';
import { benchCleanup } from './cleanup.js';
import { measureFloor } from './floor.js';
import { keywordOf, startLlmStub } from '../test/support/llm-stub.js';
import { openSse } from '../test/support/sse.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const quiet = { info: () => undefined, warn: (m: string) => console.warn(m) };
const cleanup = benchCleanup();
const runDir = path.join(ROOT, '.data', `bench-${process.pid}`);
// Registered first, so it runs last: the servers stop before their folder goes.
cleanup.onStop(() => rm(runDir, { recursive: true, force: true, maxRetries: 5 }));

const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]! : NaN;
};
const ms = (x: number) => `${x.toFixed(0)} ms`;

function spawnService(script: string, env: Record<string, string>, readyText: string, nodeArgs: string[] = []): Promise<ChildProcess> {
  const child = cleanup.spawn(process.execPath, [...nodeArgs, '--import', 'tsx', script], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  return new Promise((resolve, reject) => {
    const onData = (b: Buffer) => {
      out += b.toString();
      if (out.includes(readyText)) resolve(child);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${script} exited (${code}):\n${out.slice(-2000)}`)));
  });
}

/** CPU seconds used so far, grouped: the worker, the API, the bench itself, Temporal, PostgreSQL. */
async function cpuByProcess(pids: { worker: number; api: number }) {
  const { readdir } = await import('node:fs/promises');
  const hz = 100;
  const out: Record<string, number> = { worker: 0, api: 0, bench: 0, temporal: 0, postgres: 0 };
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    const m = /^(\d+) \((.*)\) \S+ (?:\S+ ){10}(\d+) (\d+)/.exec(stat);
    if (!m) continue;
    const pid = Number(m[1]);
    const seconds = (Number(m[3]) + Number(m[4])) / hz;
    const group =
      pid === pids.worker ? 'worker' : pid === pids.api ? 'api' : pid === process.pid ? 'bench' : m[2] === 'temporal' ? 'temporal' : m[2] === 'postgres' ? 'postgres' : null;
    if (group) out[group]! += seconds;
  }
  return out;
}

/** BENCH_HISTORY=<file>: the C=10 task's workflow history as JSON, for timing its workflow tasks. */
async function dumpHistory(address: string, workflowId: string, file: string) {
  const { Connection, Client } = await import('@temporalio/client');
  const connection = await Connection.connect({ address });
  const history = await new Client({ connection }).workflow.getHandle(workflowId).fetchHistory();
  await writeFile(file, JSON.stringify(history));
  await connection.close();
}

/** Peak resident set size of a process (VmHWM), in MiB. */
async function peakRssMiB(pid: number) {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)![1]) / 1024;
}

async function main() {
  const pg = await startEmbeddedPostgres({ dataDir: path.join(runDir, 'pg'), port: await findFreePort(), database: 'bench', log: quiet, persistent: false });
  cleanup.onStop(pg.stop);
  await runMigrations(pg.url);
  const cli = await resolveTemporalCli({ toolsDir: path.join(ROOT, '.tools'), log: quiet });
  const temporal = await startTemporalDevServer({
    cliPath: cli.path, stateDir: runDir, port: await findFreePort(), uiPort: await findFreePort(), namespace: 'default', persistent: false, headless: true, log: quiet,
  });
  cleanup.onStop(temporal.stop);
  const stub = await startLlmStub({ latencyMs: 0 });
  cleanup.onStop(() => stub.close());
  const requestedAt = new Map<string, number>();
  let latency = 0;
  stub.setBehavior((req) => {
    requestedAt.set(keywordOf(req) ?? '', Date.now());
    return { latencyMs: latency };
  });

  const database = connectDatabase(pg.url, { max: 2 });
  cleanup.onStop(database.close);
  const { apiKey } = await createAccount(database.db, 'bench');
  const port = await findFreePort();
  const env = {
    DATABASE_URL: pg.url, TEMPORAL_ADDRESS: temporal.address, PORT: String(port), LOG_LEVEL: 'info',
    LLM_BASE_URL: stub.url, LLM_CONCURRENCY: '100', LLM_RETRY_INITIAL_MS: '200', TEMPORAL_PAYLOAD_KEYS: newPayloadKeySpec(),
    // The benchmark measures throughput, not the API's rate limits.
    RATE_LIMIT_WRITES_PER_ACCOUNT: '1000000', RATE_LIMIT_WRITES_PER_KEY: '1000000',
  };
  // BENCH_CPU_PROFILE=<dir>: the worker writes V8 CPU profiles (one per thread) there when it stops.
  const profileArgs = process.env.BENCH_CPU_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(process.env.BENCH_CPU_PROFILE)}`] : [];
  const worker = await spawnService('src/worker.ts', env, 'worker running', profileArgs);
  const apiProcess = await spawnService('src/api-server.ts', env, 'API listening');
  const pids = { worker: worker.pid!, api: apiProcess.pid! };
  const api = `http://127.0.0.1:${port}`;
  const headers = { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' };
  const post = async (p: string, body: unknown) => {
    const r = await fetch(api + p, { method: 'POST', headers, body: JSON.stringify(body) });
    if (r.status >= 300) throw new Error(`${p}: ${r.status} ${await r.text()}`);
    return r.json() as Promise<any>;
  };
  const imported = await post('/api/distillations/import', {
    distillations: Array.from({ length: 1000 }, (_, i) => ({ keyword: `bench keyword ${i}`, topics: [`What is bench keyword ${i}?`, 'Why does it matter?'] })),
  });

  const keywordById = new Map<number, string>((imported.ids as number[]).map((id, i) => [id, `bench keyword ${i}`]));
  let lastTaskId = 0;
  const saveToClient: number[] = [];
  const requestToClient: number[] = [];
  /** Creates a task, follows its event stream to the end; returns the wall time from the create request. */
  async function runTask(articleCount: number, concurrency: number) {
    const started = Date.now();
    const { taskId, selectedDistillationIds } = await post('/api/article-generation/tasks', { articleCount, concurrency });
    lastTaskId = taskId;
    const sse = await openSse(`${api}/api/article-generation/tasks/${taskId}/events`, { authorization: headers.authorization });
    let final = '';
    for await (const m of sse.messages()) {
      const now = Date.now();
      const e = JSON.parse(m.data);
      if (m.event === 'article.saved') {
        saveToClient.push(now - new Date(e.createdAt).getTime());
        const asked = requestedAt.get(keywordById.get(selectedDistillationIds[e.data.position])!);
        if (asked !== undefined) requestToClient.push(now - asked);
      }
      if (isFinalEventType(m.event)) final = m.event;
    }
    if (final !== 'task.completed') throw new Error(`task ${taskId} ended with ${final || 'no final event'}`);
    return Date.now() - started;
  }

  const results: { name: string; value: string; limit: string; pass: boolean | null }[] = [];
  // Warm-up in the measured shape (10 lanes): bundle caches, JIT, and connection pools grown to 10 (new
  // PostgreSQL connections pay a SCRAM key derivation that blocks the event loop for ~13 ms each).
  await runTask(20, 10);

  latency = 200;
  const n = 100;
  const c = 10;
  const limit = Math.ceil(n / c) * latency;
  const cpuBefore = await cpuByProcess(pids);
  const walls10: number[] = [];
  for (let i = 0; i < 3; i++) walls10.push(await runTask(n, c));
  if (process.env.BENCH_HISTORY) await dumpHistory(temporal.address, `article-task-${lastTaskId}`, process.env.BENCH_HISTORY);
  const cpuAfter = await cpuByProcess(pids);
  const busy = walls10.reduce((a, b) => a + b, 0) / 1000;
  const cpuUse = Object.entries(cpuAfter).map(([k, v]) => `${k} ${(((v - cpuBefore[k]!) / busy) * 100).toFixed(0)}%`);
  const wall10 = percentile(walls10, 50);
  results.push({ name: `N=${n}, C=${c}, L=${latency} ms: wall time create -> completed (median of 3)`, value: ms(wall10), limit: `LLM-bound ${ms(limit)}; runs ${walls10.join(', ')}`, pass: null });
  results.push({ name: '  ratio to the LLM-bound limit', value: (wall10 / limit).toFixed(3), limit: '<= 1.15', pass: wall10 / limit <= 1.15 });
  results.push({ name: '  CPU during those runs (of one core; the machine has 2)', value: cpuUse.join(', '), limit: '', pass: null });
  // The same shape with no database, HTTP or API: Temporal's own cost on this machine, the floor.
  const floors = (await measureFloor(temporal.address, n, c, latency)).map((f) => f.wallMs);
  const floor = percentile(floors, 50);
  results.push({ name: '  floor: the same shape, activities only wait L (median of 3)', value: ms(floor), limit: `ratio ${(floor / limit).toFixed(3)}`, pass: null });
  results.push({ name: '  what this service adds above the floor', value: ms(wall10 - floor), limit: `${((wall10 - floor) / n).toFixed(1)} ms per article`, pass: null });
  if (process.env.BENCH_ONLY_C10) {
    console.log(results.map((r) => `${r.name}: ${r.value} ${r.limit}`).join('\n'));
    return results.every((r) => r.pass !== false);
  }
  const wall1 = await runTask(n, 1);
  results.push({ name: `N=${n}, C=1 (the seeds' sequential loop)`, value: ms(wall1), limit: `N*L = ${ms(n * latency)}`, pass: null });
  results.push({ name: '  speed-up of C=10 over C=1', value: `${(wall1 / wall10).toFixed(1)}x`, limit: '', pass: null });

  latency = 0;
  requestToClient.length = 0;
  const t0 = Date.now();
  await Promise.all(Array.from({ length: 10 }, () => runTask(20, 5)));
  const wallBurst = Date.now() - t0;
  results.push({ name: 'L=0: 10 tasks x 20 articles at once, throughput', value: `${(200 / (wallBurst / 1000)).toFixed(1)} articles/s`, limit: `(${ms(wallBurst)} for 200)`, pass: null });
  results.push({ name: '  median overhead per article (LLM request -> article.saved at client)', value: ms(percentile(requestToClient, 50)), limit: `p99 ${ms(percentile(requestToClient, 99))}`, pass: null });
  const p50 = percentile(saveToClient, 50);
  const p99 = percentile(saveToClient, 99);
  results.push({ name: `save -> SSE client latency, p50 (${saveToClient.length} events)`, value: ms(p50), limit: '', pass: null });
  results.push({ name: '  p99', value: ms(p99), limit: '<= 100 ms', pass: p99 <= 100 });
  const rss = await peakRssMiB(worker.pid!);
  results.push({ name: 'worker peak RSS (VmHWM) over all runs', value: `${rss.toFixed(0)} MiB`, limit: '', pass: null });

  const machine = `${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.type()} ${os.release()}, Node ${process.version}`;
  const lines = results.map((r) => `| ${r.name} | ${r.value} | ${r.limit} | ${r.pass === null ? '' : r.pass ? 'PASS' : 'FAIL'} |`);
  const table = ['| measure | value | limit | |', '| --- | --- | --- | --- |', ...lines].join('\n');
  console.log(`\nMachine: ${machine}\n\n${table}\n`);
  const doc = await readFile(path.join(ROOT, 'docs/benchmarks.md'), 'utf8').catch(() => '');
  const header = doc.split('<!-- results -->')[0] || '# Benchmarks\n\n';
  await writeFile(
    path.join(ROOT, 'docs/benchmarks.md'),
    `${header}<!-- results -->\n## Latest run: ${new Date().toISOString()}\n\nMachine: ${machine}\n\n${table}\n`,
  );
  return results.every((r) => r.pass !== false);
}

main()
  .then(async (ok) => {
    await cleanup.stopAll('SIGTERM');
    process.exit(ok ? 0 : 1);
  })
  .catch(async (err) => {
    console.error(err);
    await cleanup.stopAll('SIGKILL');
    process.exit(1);
  });
