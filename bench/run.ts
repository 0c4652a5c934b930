// `npm run bench`: speed and memory of the real stack (embedded PostgreSQL, Temporal dev server, the
// API and a worker as separate processes, the loopback LLM stub at fixed latency, writing varied text like
// a real model so the quality gate's defaults apply), then the same task shape through `npm start`'s one
// process. Prints each figure next to its limit and writes docs/benchmarks.md. Not part of the tests: these
// machines are noisy.
//   --json FILE  also writes the headline figures as JSON ({ value, limit, pass } each) to FILE
//   --quick      a small run (fewer, shorter tasks; one run each) to check the bench itself works
//   --seed N     the loopback model's seed (default 1): the same seed writes the same articles
import { readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { connectDatabase } from '../src/db/client.js';
import { runMigrations } from '../src/db/migrate.js';
import { createAccount } from '../src/domain/accounts/index.js';
import { findFreePort } from '../src/infra/temporal-dev-server.js';
import { parsePromptIngredients } from '../src/llm/prompt.js';
import { isFinalEventType } from '../src/shared/events/index.js';
import { newPayloadKeySpec } from '../src/temporal/payload-keys.js';
import { benchCleanup } from './cleanup.js';
import { benchFigures, type MeasuredFigures } from './figures.js';
import { measureFloor } from './floor.js';
import { ROOT, spawnService, startBenchStack } from './services.js';
import { variedArticle } from './varied-text.js';
import { measureWriteOverhead, percentile } from './write-overhead.js';
import { keywordOf, startLlmStub } from '../test/support/llm-stub.js';
import { openSse } from '../test/support/sse.js';

const { values: args } = parseArgs({ options: { json: { type: 'string' }, quick: { type: 'boolean', default: false }, seed: { type: 'string', default: '1' } } });
const QUICK = args.quick;
const SEED = Number(args.seed);
const cleanup = benchCleanup();
const ms = (x: number) => `${x.toFixed(0)} ms`;

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

type Target = { api: string; apiKey: string; keywordById: Map<number, string> };

async function main() {
  const { pg, temporal } = await startBenchStack(cleanup, 'bench');
  await runMigrations(pg.url);
  const stub = await startLlmStub({ latencyMs: 0 });
  cleanup.onStop(() => stub.close());
  const requestedAt = new Map<string, number>();
  let latency = 0;
  stub.setBehavior((req) => {
    const keyword = keywordOf(req) ?? '';
    requestedAt.set(keyword, Date.now());
    const topics = parsePromptIngredients(req.userMessage)?.topics ?? [];
    return { latencyMs: latency, content: variedArticle({ keyword, topics, seed: SEED }) };
  });

  const database = connectDatabase(pg.url, { max: 2 });
  cleanup.onStop(database.close);
  const { accountId, apiKey } = await createAccount(database.db, 'bench');
  const port = await findFreePort();
  // The defaults users run (the quality gate's near-duplicate check included), but for the rate limits:
  // the benchmark measures throughput, not where the API refuses.
  const env = {
    DATABASE_URL: pg.url, TEMPORAL_ADDRESS: temporal.address, LOG_LEVEL: 'info',
    LLM_BASE_URL: stub.url, LLM_CONCURRENCY: '100', LLM_RETRY_INITIAL_MS: '200', TEMPORAL_PAYLOAD_KEYS: newPayloadKeySpec(),
    RATE_LIMIT_WRITES_PER_ACCOUNT: '1000000', RATE_LIMIT_WRITES_PER_KEY: '1000000',
  };
  // BENCH_CPU_PROFILE=<dir>: the worker writes V8 CPU profiles (one per thread) there when it stops.
  const profileArgs = process.env.BENCH_CPU_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(process.env.BENCH_CPU_PROFILE)}`] : [];
  const worker = await spawnService(cleanup, 'src/worker.ts', env, 'worker running', profileArgs);
  const apiProcess = await spawnService(cleanup, 'src/api-server.ts', { ...env, PORT: String(port) }, 'API listening');
  const pids = { worker: worker.pid!, api: apiProcess.pid! };

  const importPool = async (api: string, key: string) => {
    const res = await fetch(`${api}/api/distillations/import`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ distillations: Array.from({ length: 1000 }, (_, i) => ({ keyword: `bench keyword ${i}`, topics: [`What is bench keyword ${i}?`, 'Why does it matter?'] })) }),
    });
    if (res.status !== 201) throw new Error(`import: ${res.status} ${await res.text()}`);
    const { ids } = (await res.json()) as { ids: number[] };
    return new Map(ids.map((id, i) => [id, `bench keyword ${i}`]));
  };
  const deployed: Target = { api: `http://127.0.0.1:${port}`, apiKey, keywordById: new Map() };
  deployed.keywordById = await importPool(deployed.api, apiKey);

  let lastTaskId = 0;
  const saveToClient: number[] = [];
  const requestToClient: number[] = [];
  /** Creates a task, follows its event stream to the end; returns the wall time from the create request. */
  async function runTask(target: Target, articleCount: number, concurrency: number) {
    const started = Date.now();
    const authorization = `Bearer ${target.apiKey}`;
    const res = await fetch(`${target.api}/api/article-generation/tasks`, {
      method: 'POST', headers: { authorization, 'content-type': 'application/json' }, body: JSON.stringify({ articleCount, concurrency }),
    });
    if (res.status !== 201) throw new Error(`create task: ${res.status} ${await res.text()}`);
    const { taskId, selectedDistillationIds } = (await res.json()) as { taskId: number; selectedDistillationIds: number[] };
    lastTaskId = taskId;
    const sse = await openSse(`${target.api}/api/article-generation/tasks/${taskId}/events`, { authorization });
    let final = '';
    for await (const m of sse.messages()) {
      const now = Date.now();
      const e = JSON.parse(m.data);
      if (m.event === 'article.saved') {
        saveToClient.push(now - new Date(e.createdAt).getTime());
        const asked = requestedAt.get(target.keywordById.get(selectedDistillationIds[e.data.position]!)!);
        if (asked !== undefined) requestToClient.push(now - asked);
      }
      if (isFinalEventType(m.event)) final = m.event;
    }
    if (final !== 'task.completed') throw new Error(`task ${taskId} ended with ${final || 'no final event'}`);
    return Date.now() - started;
  }

  const results: { name: string; value: string; limit: string; pass: boolean | null }[] = [];
  const loadAtStart = os.loadavg();
  const n = QUICK ? 20 : 100;
  const c = QUICK ? 5 : 10;
  const runs = QUICK ? 1 : 3;
  // Warm-up in the measured shape (c lanes): bundle caches, JIT, and connection pools grown to c (new
  // PostgreSQL connections pay a SCRAM key derivation that blocks the event loop for ~13 ms each).
  await runTask(deployed, QUICK ? 5 : 20, c);

  latency = 200;
  const limit = Math.ceil(n / c) * latency;
  const cpuBefore = await cpuByProcess(pids);
  const requestsBefore = stub.requests.length;
  const walls10: number[] = [];
  for (let i = 0; i < runs; i++) walls10.push(await runTask(deployed, n, c));
  // One request per article when no draft is refused: anything more is a rewrite (or a retry).
  const rewrites = stub.requests.length - requestsBefore - n * runs;
  if (process.env.BENCH_HISTORY) await dumpHistory(temporal.address, `article-task-${lastTaskId}`, process.env.BENCH_HISTORY);
  const cpuAfter = await cpuByProcess(pids);
  const busy = walls10.reduce((a, b) => a + b, 0) / 1000;
  const cpuUse = Object.entries(cpuAfter).map(([k, v]) => `${k} ${(((v - cpuBefore[k]!) / busy) * 100).toFixed(0)}%`);
  const wall10 = percentile(walls10, 50);
  results.push({ name: `N=${n}, C=${c}, L=${latency} ms: wall time create -> completed (median of ${runs})`, value: ms(wall10), limit: `LLM-bound ${ms(limit)}; runs ${walls10.join(', ')}`, pass: null });
  results.push({ name: '  LLM requests beyond one per article (rewrites of refused drafts, retries)', value: String(rewrites), limit: '0', pass: rewrites === 0 });
  results.push({ name: '  ratio to the LLM-bound limit', value: (wall10 / limit).toFixed(3), limit: '<= 1.15', pass: wall10 / limit <= 1.15 });
  results.push({ name: '  CPU during those runs (of one core; the machine has 2)', value: cpuUse.join(', '), limit: '', pass: null });
  // The same shape with no database, HTTP or API: Temporal's own cost on this machine, the floor.
  const floors = (await measureFloor(temporal.address, n, c, latency, runs)).map((f) => f.wallMs);
  const floor = percentile(floors, 50);
  results.push({ name: `  floor: the same shape, activities only wait L (median of ${runs})`, value: ms(floor), limit: `ratio ${(floor / limit).toFixed(3)}`, pass: null });
  results.push({ name: '  what this service adds above the floor', value: ms(wall10 - floor), limit: `${((wall10 - floor) / n).toFixed(1)} ms per article; ${(wall10 / floor).toFixed(3)}x the floor`, pass: null });
  if (process.env.BENCH_ONLY_C10) {
    console.log(results.map((r) => `${r.name}: ${r.value} ${r.limit}`).join('\n'));
    return results.every((r) => r.pass !== false);
  }
  const n1 = QUICK ? 10 : n;
  const wall1 = await runTask(deployed, n1, 1);
  const c1OverheadMs = (wall1 - n1 * latency) / n1;
  results.push({ name: `N=${n1}, C=1 (the seeds' sequential loop)`, value: ms(wall1), limit: `N*L = ${ms(n1 * latency)}; ${c1OverheadMs.toFixed(1)} ms per article above it`, pass: null });
  results.push({ name: '  speed-up of C=10 over C=1', value: `${((wall1 / n1) / (wall10 / n)).toFixed(1)}x`, limit: '', pass: null });

  latency = 0;
  requestToClient.length = 0;
  const [tasks, perTask] = QUICK ? [2, 10] : [10, 20];
  const t0 = Date.now();
  await Promise.all(Array.from({ length: tasks }, () => runTask(deployed, perTask, 5)));
  const wallBurst = Date.now() - t0;
  const articlesPerSecondL0 = (tasks * perTask) / (wallBurst / 1000);
  results.push({ name: `L=0: ${tasks} tasks x ${perTask} articles at once, throughput`, value: `${articlesPerSecondL0.toFixed(1)} articles/s`, limit: `(${ms(wallBurst)} for ${tasks * perTask})`, pass: null });
  results.push({ name: '  median overhead per article (LLM request -> article.saved at client)', value: ms(percentile(requestToClient, 50)), limit: `p99 ${ms(percentile(requestToClient, 99))}`, pass: null });
  const p50 = percentile(saveToClient, 50);
  const p99 = percentile(saveToClient, 99);
  results.push({ name: `save -> SSE client latency, p50 (${saveToClient.length} events)`, value: ms(p50), limit: '', pass: null });
  results.push({ name: '  p99', value: ms(p99), limit: '<= 100 ms', pass: p99 <= 100 });
  const rss = await peakRssMiB(worker.pid!);
  results.push({ name: 'worker peak RSS (VmHWM) over all runs', value: `${rss.toFixed(0)} MiB`, limit: '', pass: null });

  const overhead = await measureWriteOverhead(database.db, accountId, apiKey, QUICK ? 50 : 500);
  results.push({ name: 'authenticated write path (auth, limits, rate limit, audit), p50 (`npm run bench:writes` for each step)', value: `${overhead.total.p50Ms.toFixed(2)} ms`, limit: `p99 ${overhead.total.p99Ms.toFixed(2)} ms`, pass: null });

  // The same C=10 shape through `npm start`'s one process (API and worker together), on the same servers:
  // the deployed API and worker stop first, so no other worker polls the queue.
  await cleanup.stopChild(apiProcess);
  await cleanup.stopChild(worker);
  latency = 200;
  const embeddedPort = await findFreePort();
  const embeddedKey = `ak_bench_embedded_${process.pid}`;
  await spawnService(cleanup, 'src/main.ts', { ...env, PORT: String(embeddedPort), DEV_API_KEY: embeddedKey, DATA_DIR: path.join(ROOT, '.data', `bench-${process.pid}`, 'embedded') }, 'artgen is ready');
  const embedded: Target = { api: `http://127.0.0.1:${embeddedPort}`, apiKey: embeddedKey, keywordById: new Map() };
  embedded.keywordById = await importPool(embedded.api, embeddedKey);
  await runTask(embedded, QUICK ? 5 : 20, c);
  const wallsEmbedded: number[] = [];
  for (let i = 0; i < runs; i++) wallsEmbedded.push(await runTask(embedded, n, c));
  const wallEmbedded = percentile(wallsEmbedded, 50);
  results.push({ name: `npm start (one process), N=${n}, C=${c}, L=${latency} ms (median of ${runs})`, value: ms(wallEmbedded), limit: `runs ${wallsEmbedded.join(', ')}; ${(wallEmbedded / wall10).toFixed(3)}x the deployed shape`, pass: null });

  const loadAtEnd = os.loadavg();
  const figures = benchFigures({
    ratioToFloor: wall10 / floor, embeddedRatio: wallEmbedded / wall10, c1OverheadMs, articlesPerSecondL0, workerPeakRssMiB: rss, writeOverheadP50Ms: overhead.total.p50Ms,
  } satisfies MeasuredFigures);
  const load = `load average (1 min) ${loadAtStart[0]!.toFixed(1)} at start, ${loadAtEnd[0]!.toFixed(1)} at end`;
  const machine = `${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.type()} ${os.release()}, Node ${process.version}; ${load}${QUICK ? '; --quick' : ''}`;
  const lines = results.map((r) => `| ${r.name} | ${r.value} | ${r.limit} | ${r.pass === null ? '' : r.pass ? 'PASS' : 'FAIL'} |`);
  const headline = Object.entries(figures).map(([name, f]) => `| ${name} | ${f.value === null ? 'not measured' : Number(f.value.toFixed(3))} | ${f.limit.op} ${f.limit.value} | ${f.pass === null ? '' : f.pass ? 'PASS' : 'FAIL'} |`);
  const table = ['| measure | value | limit | |', '| --- | --- | --- | --- |', ...lines, ...headline].join('\n');
  console.log(`\nMachine: ${machine}\n\n${table}\n`);
  if (args.json) await writeFile(path.resolve(args.json), `${JSON.stringify({ ranAt: new Date().toISOString(), quick: QUICK, seed: SEED, machine, llmRequestsBeyondOnePerArticle: rewrites, loadAverage: { start: loadAtStart, end: loadAtEnd }, figures }, null, 2)}\n`);
  // A quick run checks the bench; only a full one is a result worth keeping.
  if (!QUICK) {
    const doc = await readFile(path.join(ROOT, 'docs/benchmarks.md'), 'utf8').catch(() => '');
    const header = doc.split('<!-- results -->')[0] || '# Benchmarks\n\n';
    await writeFile(path.join(ROOT, 'docs/benchmarks.md'), `${header}<!-- results -->\n## Latest run: ${new Date().toISOString()}\n\nMachine: ${machine}\n\n${table}\n`);
  }
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
