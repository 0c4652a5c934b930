// Scale bench (issue 20, "Scale"): one account with ROWS distillations and ROWS articles (~3 KB each), ROWS/10
// tasks with their items, events and usage rows, 99 more accounts beside it; then the hot paths timed against their
// limits, each statement behind them EXPLAINed (captured from the domain functions the routes call, run on the
// same rows) so a sequential scan of a big table shows. Real PostgreSQL, Temporal dev server and API process.
//
//   npm run bench:scale                  1,000,000 rows (the size; seeding takes a while)
//   npm run bench:scale -- --rows 20000  a quick look
//
// Writes its section of docs/benchmarks.md (between the <!-- scale --> markers).
import os from 'node:os';
import { parseArgs } from 'node:util';
import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { runMigrations } from '../src/db/migrate.js';
import * as schema from '../src/db/schema.js';
import type { Db } from '../src/db/client.js';
import { createAccount } from '../src/domain/accounts/index.js';
import { listArticles } from '../src/domain/articles/index.js';
import { listDistillations } from '../src/domain/distillations/distillations.js';
import { nearestArticle } from '../src/domain/quality/near-duplicates.js';
import { simhash, taggedBands } from '../src/domain/quality/simhash.js';
import { countSelectableDistillations, createTaskWithReservations } from '../src/domain/tasks/selection.js';
import { listTasks } from '../src/domain/tasks/task-queries.js';
import { accountStats } from '../src/domain/tasks/task-stats.js';
import { verifyUsage } from '../src/domain/usage/verification.js';
import { findFreePort } from '../src/infra/temporal-dev-server.js';
import { newPayloadKeySpec } from '../src/temporal/payload-keys.js';
import { benchCleanup } from './cleanup.js';
import { writeBenchSection } from './results-doc.js';
import { spawnService, startBenchStack } from './services.js';

const { values: args } = parseArgs({ options: { rows: { type: 'string', default: '1000000' } } });
const ROWS = Number(args.rows);
if (!Number.isInteger(ROWS) || ROWS < 1000) throw new Error('--rows must be a whole number >= 1000');
const TASKS = Math.floor(ROWS / 10);
const PAGE_SIZE = 20;
const cleanup = benchCleanup();
const say = (m: string) => console.error(`[scale ${new Date().toISOString().slice(11, 19)}] ${m}`);

/** Inserts everything with set-based SQL, in batches so progress shows and no statement runs for minutes. */
async function seed(sql: postgres.Sql, accountId: number) {
  const first = (await sql<{ id: number }[]>`
    INSERT INTO distillations (account_id, keyword, topic_count)
    SELECT ${accountId}, CASE WHEN g % 2 = 0 THEN '关键词 ' || g ELSE 'keyword ' || g END, 2 FROM generate_series(1, ${ROWS}) g
    RETURNING id`).reduce((m, r) => Math.min(m, r.id), Number.MAX_SAFE_INTEGER);
  say(`distillations: ${ROWS}`);
  await sql`INSERT INTO topics (distillation_id, question, position)
    SELECT id, 'Question ' || p || ' about ' || keyword || '?', p FROM distillations, generate_series(0, 1) p WHERE account_id = ${accountId}`;
  say('topics');
  // Ten articles a task, one task every 5 minutes back from now.
  await sql.unsafe(
    `INSERT INTO generation_tasks (account_id, selected_distillation_ids, requested_count, generated_count, progress, status,
       priority, workflow_id, provider, model, prompt_tokens, completion_tokens, submitted_at, started_at, completed_at, created_at, updated_at)
     SELECT $1, to_jsonb(ARRAY(SELECT $2::int + ((g - 1) * 10 + k) % $3 FROM generate_series(0, 9) k)), 10, 10, 100, 'completed',
       1 + g % 10, 'article-task-seed-' || g, 'openai', 'gpt-4o-mini', 9000, 14000, at, at, at + interval '3 minutes', at, at + interval '3 minutes'
     FROM (SELECT g, now() - ($4 - g) * interval '5 minutes' AS at FROM generate_series(1, $4) g) s`,
    [accountId, first, ROWS, TASKS],
  );
  const [{ firstTask }] = (await sql<{ firstTask: number }[]>`SELECT min(id) AS "firstTask" FROM generation_tasks WHERE account_id = ${accountId}`) as unknown as [{ firstTask: number }];
  say(`tasks: ${TASKS}`);
  const paragraph = (n: number) =>
    `'内容营销的关键' || (g % ${n}) || '是持续输出对读者有用的信息，营销策略' || (g % 97) || '与转化率案例' || (g % 89) || '。Content about topic ' || (g % 1009) || ' answers the questions people ask: optimisation x' || (g % 53) || ' and ranking y' || (g % 61) || '. '`;
  const BATCH = 50_000;
  for (let start = 0; start < ROWS; start += BATCH) {
    const end = Math.min(ROWS, start + BATCH);
    // g numbers the article; its task is g / 10, its position g % 10; ~3 KB of text that varies with g.
    await sql.unsafe(`
      INSERT INTO articles (account_id, task_id, position, distillation_id, keyword, topics, title, content, review_status,
        provider, model, prompt_tokens, completion_tokens, duration_ms, simhash_bands, created_at, updated_at)
      SELECT $1, $2::int + g / 10, g % 10, $3::int + g % $4, CASE WHEN g % 2 = 0 THEN '关键词 ' || g ELSE 'keyword ' || g END, '[]'::jsonb,
        '文章 ' || g || ': topic ' || (g % 1009), repeat(${paragraph(7)}, 6) || repeat(${paragraph(11)}, 6),
        CASE WHEN g % 3 = 0 THEN 'pending_review' ELSE 'approved' END, 'openai', 'gpt-4o-mini', 900, 1400, 9000,
        ARRAY[(g::bigint * 7919) % 65536, 65536 + (g::bigint * 104729) % 65536, 131072 + (g::bigint * 1299709) % 65536, 196608 + (g::bigint * 15485863) % 65536]::int[],
        now() - ($5::int - g / 10) * interval '5 minutes', now() - ($5::int - g / 10) * interval '5 minutes'
      FROM generate_series(${start}, ${end - 1}) g`, [accountId, firstTask, first, ROWS, TASKS]);
    say(`articles: ${end}`);
  }
  await sql`INSERT INTO task_items (task_id, position, distillation_id, state, attempts, article_id)
    SELECT task_id, position, distillation_id, 'saved', 1, id FROM articles WHERE account_id = ${accountId}`;
  await sql`INSERT INTO distillation_usage (distillation_id, task_id, position, article_id, used_at)
    SELECT distillation_id, task_id, position, id, created_at FROM articles WHERE account_id = ${accountId}`;
  await sql`UPDATE distillations d SET usage_count = u.n FROM (SELECT distillation_id, count(*)::int AS n FROM distillation_usage GROUP BY 1) u
    WHERE u.distillation_id = d.id`;
  say('items, usage rows, usage counts');
  await sql`INSERT INTO task_events (account_id, task_id, type, data, created_at, read_at)
    SELECT account_id, id, e.type, jsonb_build_object('requestedCount', 10, 'generatedCount', 10, 'progress', 100), created_at, updated_at
    FROM generation_tasks CROSS JOIN (VALUES ('task.started'), ('task.completed')) e(type) WHERE account_id = ${accountId}`;
  say('events');
  await sql`VACUUM ANALYZE`;
}

function quantiles(samples: number[]) {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
  return { p50: at(0.5), p95: at(0.95), p99: at(0.99) };
}

async function timeIt(times: number, run: (i: number) => Promise<unknown>) {
  await run(-1); // warm-up: plans cached, pages in memory, as on a running service
  const out: number[] = [];
  for (let i = 0; i < times; i++) {
    const t = performance.now();
    await run(i);
    out.push(performance.now() - t);
  }
  return quantiles(out);
}

interface Row {
  what: string;
  figure: number;
  limit: number;
  unit: string;
  /** Captured statements, EXPLAINed below the table. */
  statements?: { query: string; params: unknown[] }[];
}

async function main() {
  const { pg, temporal } = await startBenchStack(cleanup, 'bench-scale');
  const sql = postgres(pg.url, { max: 2, onnotice: () => undefined });
  cleanup.onStop(() => sql.end({ timeout: 5 }));
  // The domain functions the routes call, run on a handle that records each statement for its EXPLAIN.
  let recording: { query: string; params: unknown[] }[] | null = null;
  const db = drizzle(sql, { schema, logger: { logQuery: (query, params) => void recording?.push({ query, params }) } }) as unknown as Db;
  const captured = async <T>(run: () => Promise<T>) => {
    recording = [];
    await run();
    const out = recording;
    recording = null;
    return out;
  };
  const rows: Row[] = [];
  const t0 = performance.now();
  await runMigrations(pg.url);
  const main = await createAccount(db, 'scale');
  for (let i = 0; i < 99; i++) await createAccount(db, `other ${i}`);
  await seed(sql, main.accountId);
  const seedS = (performance.now() - t0) / 1000;
  say(`seeded in ${seedS.toFixed(0)} s`);

  const port = await findFreePort();
  await spawnService(cleanup, 'src/api-server.ts', { DATABASE_URL: pg.url, TEMPORAL_ADDRESS: temporal.address, PORT: String(port), LOG_LEVEL: 'info', TEMPORAL_PAYLOAD_KEYS: newPayloadKeySpec() }, 'API listening');
  const api = (p: string, init: RequestInit = {}) =>
    fetch(`http://127.0.0.1:${port}${p}`, { ...init, headers: { authorization: `Bearer ${main.apiKey}`, 'content-type': 'application/json', ...init.headers } }).then(async (r) => {
      const body = await r.text();
      if (!r.ok) throw new Error(`${init.method ?? 'GET'} ${p}: ${r.status} ${body.slice(0, 300)}`);
      return body;
    });
  const accountId = main.accountId;
  const rollback = new Error('rollback');
  const inRollback = (run: (tx: Db) => Promise<unknown>) => db.transaction(async (tx) => { await run(tx as unknown as Db); throw rollback; }).catch((e) => { if (e !== rollback) throw e; });

  for (const n of [5, 100]) {
    const q = await timeIt(50, () => inRollback((tx) => createTaskWithReservations(tx, accountId, { articleCount: n })));
    rows.push({ what: `task creation in the database, N = ${n} (select + reserve + task + items)`, figure: q.p50, limit: n === 5 ? 2 : 10, unit: 'ms p50',
      statements: await captured(() => inRollback((tx) => createTaskWithReservations(tx, accountId, { articleCount: n }))) });
  }
  const post = await timeIt(30, () => api('/api/article-generation/tasks', { method: 'POST', body: JSON.stringify({ articleCount: 5 }) }));
  rows.push({ what: 'POST /api/article-generation/tasks, N = 5 (with the workflow start)', figure: post.p50, limit: 15, unit: 'ms p50' });
  const count = await timeIt(20, () => countSelectableDistillations(db, accountId));
  rows.push({ what: 'selectable distillations (the list and new-task page count)', figure: count.p95, limit: 50, unit: 'ms p95', statements: await captured(() => countSelectableDistillations(db, accountId)) });

  const deepDistillations = Math.floor(ROWS / PAGE_SIZE / 2);
  const deepTasks = Math.floor(TASKS / PAGE_SIZE / 2);
  const lists: [string, string, () => Promise<unknown>][] = [
    ['distillations, first page', `/api/distillations?page=1&pageSize=${PAGE_SIZE}`, () => listDistillations(db, accountId, 1, PAGE_SIZE)],
    [`distillations, page ${deepDistillations}`, `/api/distillations?page=${deepDistillations}&pageSize=${PAGE_SIZE}`, () => listDistillations(db, accountId, deepDistillations, PAGE_SIZE)],
    ['tasks, first page', `/api/article-generation/tasks?page=1&pageSize=${PAGE_SIZE}`, () => listTasks(db, accountId, { page: 1, pageSize: PAGE_SIZE })],
    [`tasks, page ${deepTasks}`, `/api/article-generation/tasks?page=${deepTasks}&pageSize=${PAGE_SIZE}`, () => listTasks(db, accountId, { page: deepTasks, pageSize: PAGE_SIZE })],
    ['articles, first page', `/api/articles?page=1&pageSize=${PAGE_SIZE}`, () => listArticles(db, accountId, { page: 1, pageSize: PAGE_SIZE })],
    [`articles, page ${deepDistillations}`, `/api/articles?page=${deepDistillations}&pageSize=${PAGE_SIZE}`, () => listArticles(db, accountId, { page: deepDistillations, pageSize: PAGE_SIZE })],
    ['article search 营销策略', `/api/articles?q=${encodeURIComponent('营销策略')}&pageSize=${PAGE_SIZE}`, () => listArticles(db, accountId, { q: '营销策略', page: 1, pageSize: PAGE_SIZE })],
    ['article search optimisation', `/api/articles?q=optimisation&pageSize=${PAGE_SIZE}`, () => listArticles(db, accountId, { q: 'optimisation', page: 1, pageSize: PAGE_SIZE })],
  ];
  for (const [what, url, domain] of lists) {
    const q = await timeIt(20, () => api(url));
    rows.push({ what: `GET ${what}`, figure: q.p95, limit: what.startsWith('article search') ? 100 : 50, unit: 'ms p95', statements: await captured(domain) });
  }
  const stats = await timeIt(20, () => api('/api/stats'));
  rows.push({ what: 'GET /api/stats', figure: stats.p95, limit: 100, unit: 'ms p95', statements: await captured(() => accountStats(db, accountId, new Date())) });
  const bands = taggedBands(simhash('内容营销的关键是持续输出对读者有用的信息 a new draft about optimisation'));
  const near = await timeIt(50, () => nearestArticle(db, accountId, bands));
  rows.push({ what: 'near-duplicate check of a draft', figure: near.p95, limit: 50, unit: 'ms p95', statements: await captured(() => nearestArticle(db, accountId, bands)) });
  const verify = await timeIt(3, () => verifyUsage(db, { accountId }));
  rows.push({ what: 'usage verification, one account', figure: verify.p50, limit: 2000, unit: 'ms', statements: await captured(() => verifyUsage(db, { accountId })) });

  const lines = [
    `| measure (${ROWS.toLocaleString('en')} distillations and articles, ${TASKS.toLocaleString('en')} tasks, 100 accounts) | figure | limit | |`,
    '| --- | --- | --- | --- |',
    ...rows.map((r) => `| ${r.what} | ${r.figure.toFixed(1)} ${r.unit} | ${r.limit} ms | ${r.figure <= r.limit ? 'pass' : '**over**'} |`),
    '',
    `Seeded in ${seedS.toFixed(0)} s. Load average at the end: ${os.loadavg().map((l) => l.toFixed(1)).join(' / ')}.`,
    '',
    '### Plans',
  ];
  let seqScans = 0;
  for (const r of rows.filter((r) => r.statements?.length)) {
    lines.push('', `**${r.what}**`, '');
    for (const s of r.statements!.filter((s) => /^\s*(select|with|update|insert|delete)/i.test(s.query))) {
      const plan = await sql.begin(async (tx) => {
        const out = await tx.unsafe(`EXPLAIN ${s.query}`, s.params as never[]);
        throw Object.assign(new Error('rollback'), { out });
      }).catch((e: { out?: { 'QUERY PLAN': string }[] }) => e.out ?? [{ 'QUERY PLAN': `(not explained: ${String(e)})` }]);
      const text = plan.map((p) => p['QUERY PLAN']).join('\n');
      const scan = /Seq Scan on (articles|distillations|generation_tasks|task_items|task_events|distillation_usage|topics)\b/.exec(text);
      if (scan) seqScans++;
      lines.push('```', s.query.replace(/\s+/g, ' ').slice(0, 400), text, '```');
    }
  }
  lines.splice(lines.indexOf('### Plans') - 1, 0, `Sequential scans of a big table in the plans below: ${seqScans}.`);
  const machine = `${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}, Node ${process.version}`;
  const section = `## Scale (${new Date().toISOString()}, ${machine})\n\n${lines.join('\n')}`;
  console.log(section);
  await writeBenchSection('scale', section);
  await cleanup.stopAll('SIGTERM');
}

main().catch(async (err) => {
  console.error(err);
  await cleanup.stopAll('SIGKILL');
  process.exit(1);
});
