// `npm run bench:pages`: console page times under load. The real stack (embedded PostgreSQL, Temporal dev
// server, the API process serving the console), one account with 10,000 tasks and one task with 100
// articles (bench/pages-seed.ts), a signed-in session cookie, several clients at once over loopback HTTP.
// Prints p50/p95/p99 per page, client-side and server-side (the console's Server-Timing), against the
// issue's limit of 50 ms p95, and the plans of the queries behind the pages; writes its section of
// docs/benchmarks.md (between the <!-- pages --> markers). Not a test: these machines are noisy.
import type { ChildProcess } from 'node:child_process';
import { openSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { connectDatabase } from '../src/db/client.js';
import { runMigrations } from '../src/db/migrate.js';
import { createAccount } from '../src/domain/accounts/index.js';
import { startEmbeddedPostgres } from '../src/infra/embedded-postgres.js';
import { resolveTemporalCli } from '../src/infra/temporal-cli.js';
import { findFreePort, startTemporalDevServer } from '../src/infra/temporal-dev-server.js';
import { NOTIFICATION_TYPES } from '../src/shared/events/index.js';
import { newPayloadKeySpec } from '../src/temporal/payload-keys.js';
import { BIG_TASK_ARTICLES, seedPages, TASKS } from './pages-seed.js';
import { benchCleanup } from './cleanup.js';
import { writeBenchSection } from './results-doc.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const quiet = { info: () => undefined, warn: (m: string) => console.warn(m) };
const LIMIT_MS = 50;
/** Clients at once per round: 1 is a page's own cost, more is load (BENCH_CLIENTS=1,4,8). */
const CLIENTS = (process.env.BENCH_CLIENTS ?? '1,4,8').split(',').map(Number);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 400);
const WARM_UP = 50;
const cleanup = benchCleanup();

const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
};

/**
 * The API with its log in a file, as deployed: a pipe to this process, busy being the clients, would
 * block the API's synchronous log writes and count the clients' work as the server's.
 */
async function spawnApi(env: Record<string, string>, logFile: string): Promise<ChildProcess> {
  // BENCH_CPU_PROFILE=<dir>: the API writes a V8 CPU profile there when it stops.
  const profileArgs = process.env.BENCH_CPU_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(process.env.BENCH_CPU_PROFILE)}`] : [];
  const log = openSync(logFile, 'w');
  const child = cleanup.spawn(process.execPath, [...profileArgs, '--import', 'tsx', 'src/api-server.ts'], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', log, log] });
  let exited: number | null | undefined;
  child.once('exit', (code) => (exited = code));
  for (const deadline = Date.now() + 60_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 100))) {
    const out = await readFile(logFile, 'utf8');
    if (out.includes('API listening')) return child;
    if (exited !== undefined) throw new Error(`API exited (${exited}):\n${out.slice(-2000)}`);
  }
  throw new Error('the API did not start within 60 s');
}

/** CPU milliseconds a process has used so far (user + system), from /proc/<pid>/stat. */
async function cpuMs(pid: number) {
  const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).replace(/^.*\) /, '').split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

const cookiesOf = (res: Response) => res.headers.getSetCookie().map((c) => c.split(';')[0]!);

/** Signs in through the console's form, as a browser does; returns the session cookie. */
async function signIn(base: string, apiKey: string) {
  const form = await fetch(`${base}/sign-in`);
  const token = /name="_csrf" value="([^"]+)"/.exec(await form.text())?.[1];
  if (!token) throw new Error('no sign-in token on the sign-in page');
  const res = await fetch(`${base}/sign-in`, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie: cookiesOf(form).join('; '), origin: base, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: token, apiKey }),
  });
  const session = cookiesOf(res).find((c) => c.startsWith('artgen_session='));
  if (res.status !== 303 || !session) throw new Error(`sign-in answered ${res.status}`);
  return session;
}

/** `count` GETs of `url` by `clients` clients at once; per request the client's time and the server's. */
async function load(url: string, cookie: string, count: number, mustContain: string, clients: number) {
  const client: number[] = [];
  const server: number[] = [];
  let next = 0;
  let bytes = 0;
  const worker = async () => {
    while (next < count) {
      next++;
      const t = performance.now();
      const res = await fetch(url, { headers: { cookie, 'accept-language': 'zh-CN' } });
      const body = await res.text();
      client.push(performance.now() - t);
      if (res.status !== 200 || !body.includes(mustContain)) throw new Error(`${url}: ${res.status}, ${body.length} bytes without "${mustContain}"`);
      const dur = /total;dur=([\d.]+)/.exec(res.headers.get('server-timing') ?? '')?.[1];
      if (!dur) throw new Error(`${url}: no Server-Timing total`);
      server.push(Number(dur));
      bytes = body.length;
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: clients }, worker));
  return { client, server, bytes, perSecond: count / ((performance.now() - started) / 1000) };
}

const stat = (xs: number[]) => [50, 95, 99].map((p) => percentile(xs, p).toFixed(1)).join(' / ');

async function main() {
  const runDir = path.join(ROOT, '.data', `bench-pages-${process.pid}`);
  cleanup.onStop(() => rm(runDir, { recursive: true, force: true, maxRetries: 5 }));
  const pg = await startEmbeddedPostgres({ dataDir: path.join(runDir, 'pg'), port: await findFreePort(), database: 'bench', log: quiet, persistent: false });
  cleanup.onStop(pg.stop);
  const cli = await resolveTemporalCli({ cliPath: process.env.TEMPORAL_CLI_PATH, toolsDir: path.join(ROOT, '.tools'), log: quiet });
  const temporal = await startTemporalDevServer({
    cliPath: cli.path, stateDir: runDir, port: await findFreePort(), uiPort: await findFreePort(), namespace: 'default', persistent: false, headless: true, log: quiet,
  });
  cleanup.onStop(temporal.stop);
  const database = connectDatabase(pg.url, { max: 2 });
  cleanup.onStop(database.close);
  const lines: string[] = [];
  const verdicts: string[] = [];
  try {
    await runMigrations(pg.url);
    // An admin key: the audit page is among the pages.
    const { accountId, apiKey } = await createAccount(database.db, 'pages', { scope: 'admin' });
    const { bigTaskId, seedMs } = await seedPages(database.sql, accountId);
    const port = await findFreePort();
    const api = await spawnApi({ DATABASE_URL: pg.url, TEMPORAL_ADDRESS: temporal.address, PORT: String(port), LOG_LEVEL: 'info', TEMPORAL_PAYLOAD_KEYS: newPayloadKeySpec() }, path.join(runDir, 'api.log'));
    const base = `http://127.0.0.1:${port}`;
    const cookie = await signIn(base, apiKey);

    const pages = [
      // No session and no query: what any console answer costs here (routing, middleware, rendering, HTTP).
      { name: 'sign-in page (the floor)', path: '/sign-in', mustContain: 'name="_csrf"' },
      { name: 'task list', path: '/tasks', mustContain: 'data-task-row' },
      { name: 'task list, status=failed', path: '/tasks?status=failed', mustContain: 'data-status="failed"' },
      { name: `task page, ${BIG_TASK_ARTICLES} articles`, path: `/tasks/${bigTaskId}`, mustContain: `文章 ${BIG_TASK_ARTICLES - 1}:` },
      { name: 'dashboard', path: '/dashboard', mustContain: 'chart-articles-table' },
      { name: 'stats', path: '/stats', mustContain: 'data-stat="tasks"' },
      { name: 'audit, filtered', path: '/audit?route=/api/distillations&status=client', mustContain: 'data-audit-id' },
    ];
    lines.push(
      `${TASKS.toLocaleString('en')} tasks in the account; per page ${WARM_UP} requests to warm up, then ${REQUESTS} by each number of clients at once (${CLIENTS.join(', ')}; one client shows a page's own cost, more add load: a request also waits while the one Node process serves the others); ms p50 / p95 / p99.`,
      '',
      '| page | HTML | clients | requests/s | API CPU per page | client: request to last byte | server: Server-Timing total | server p95 / 50 ms |',
      '| --- | --- | --- | --- | --- | --- | --- | --- |',
    );
    for (const p of pages) {
      await load(base + p.path, cookie, WARM_UP, p.mustContain, 4);
      for (const clients of CLIENTS) {
        const cpuBefore = await cpuMs(api.pid!);
        const r = await load(base + p.path, cookie, REQUESTS, p.mustContain, clients);
        const cpu = ((await cpuMs(api.pid!)) - cpuBefore) / REQUESTS;
        const p95 = percentile(r.server, 95);
        const ratio = p95 / LIMIT_MS;
        const met = ratio <= 1 ? 'met' : 'MISSED';
        const verdict = `${p.name}, ${clients} client${clients > 1 ? 's' : ''}: p95 ${p95.toFixed(1)} ms / ${LIMIT_MS} ms = ${ratio.toFixed(2)}x: ${met} (client p95 ${percentile(r.client, 95).toFixed(1)} ms)`;
        console.log(verdict);
        verdicts.push(verdict);
        lines.push(`| \`GET ${p.path.replace(String(bigTaskId), ':id')}\` | ${(r.bytes / 1024).toFixed(0)} KiB | ${clients} | ${r.perSecond.toFixed(0)} | ${cpu.toFixed(1)} ms | ${stat(r.client)} | ${stat(r.server)} | ${ratio.toFixed(2)}x ${met} |`);
      }
    }

    // The plans behind the pages, and the unread count every page's notification badge will run.
    const notificationTypes = `(${NOTIFICATION_TYPES.map((t) => `'${t}'`).join(', ')})`;
    const plans: [string, string][] = [
      ['task list rows', `SELECT * FROM generation_tasks WHERE account_id = ${accountId} ORDER BY created_at DESC, id DESC LIMIT 50`],
      ['task list total', `SELECT count(*) FROM generation_tasks WHERE account_id = ${accountId}`],
      ['failed tasks rows', `SELECT * FROM generation_tasks WHERE account_id = ${accountId} AND status = 'failed' ORDER BY created_at DESC, id DESC LIMIT 50`],
      ['task page articles', `SELECT id, title FROM articles WHERE task_id = ${bigTaskId} ORDER BY position`],
      ['unread notifications (badge)', `SELECT count(*) FROM task_events WHERE account_id = ${accountId} AND type IN ${notificationTypes} AND read_at IS NULL`],
      ['dashboard: articles per day', `SELECT (created_at AT TIME ZONE 'UTC')::date, count(*), count(*) FILTER (WHERE jsonb_array_length(quality_flags) > 0), sum(prompt_tokens + completion_tokens) FROM articles WHERE account_id = ${accountId} AND created_at >= now() - interval '14 days' GROUP BY 1`],
      ['dashboard: failed per day', `SELECT (i.updated_at AT TIME ZONE 'UTC')::date, count(*) FROM generation_tasks t JOIN task_items i ON i.task_id = t.id WHERE t.account_id = ${accountId} AND t.created_at >= now() - interval '15 days' AND t.failed_count + t.skipped_count > 0 AND i.state IN ('failed', 'skipped') AND i.updated_at >= now() - interval '14 days' GROUP BY 1`],
      ['dashboard: tokens and cost per day', `SELECT (created_at AT TIME ZONE 'UTC')::date, currency, sum(prompt_tokens + completion_tokens), sum(cost_pico) FROM llm_attempts WHERE account_id = ${accountId} AND created_at >= now() - interval '14 days' GROUP BY 1, 2`],
      ['dashboard: LLM error rate, 24 h', `SELECT count(*), count(*) FILTER (WHERE outcome = 'failed') FROM llm_attempts WHERE account_id = ${accountId} AND created_at >= now() - interval '24 hours'`],
      ['dashboard: review backlog', `SELECT count(*) FROM articles WHERE account_id = ${accountId} AND review_status = 'pending_review' AND deleted_at IS NULL`],
      ['dashboard: webhook backlog', `SELECT count(*), min(created_at) FROM webhook_deliveries WHERE account_id = ${accountId} AND status = 'pending'`],
      ['audit page, filtered', `SELECT * FROM audit_events WHERE account_id = ${accountId} AND route LIKE '/api/distillations%' AND status BETWEEN 400 AND 499 ORDER BY created_at DESC, id DESC LIMIT 51`],
      ['notification list counts', `SELECT count(*), count(*) FILTER (WHERE read_at IS NULL) FROM task_events WHERE account_id = ${accountId} AND type IN ${notificationTypes}`],
    ];
    lines.push('', '| query | plan (EXPLAIN ANALYZE, first lines) | time |', '| --- | --- | --- |');
    for (const [name, query] of plans) {
      const rows = await database.sql.unsafe(`EXPLAIN (ANALYZE, BUFFERS OFF) ${query}`);
      const text = rows.map((r) => String(r['QUERY PLAN']).trim());
      const time = text.find((l) => l.startsWith('Execution Time'))?.replace('Execution Time: ', '') ?? '';
      const shape = text.filter((l) => !/^(Planning|Execution) Time/.test(l)).slice(0, 3).map((l) => l.replace(/\s*\(cost=[^)]*\)/, '').replace(/\|/g, '\\|'));
      lines.push(`| ${name} | ${shape.join(' / ')} | ${time} |`);
    }
    lines.push('', `Seeding: ${(seedMs / 1000).toFixed(1)} s.`);
  } finally {
    await cleanup.stopAll('SIGTERM');
  }
  const machine = `${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}, load average ${os.loadavg()[0]!.toFixed(1)}, Node ${process.version}`;
  const section = `## Console pages: latest run (${new Date().toISOString()}, ${machine})\n\n    ${verdicts.join('\n    ')}\n\n${lines.join('\n')}`;
  console.log(section);
  await writeBenchSection('pages', section);
}

main().catch(async (err) => {
  console.error(err);
  await cleanup.stopAll('SIGKILL');
  process.exit(1);
});
