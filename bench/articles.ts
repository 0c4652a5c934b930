// Articles bench: full-text search over 20,000 articles (English and Chinese) with the product's bigram
// tsvector against pg_trgm and a plain scan, and the API process's memory while it streams an export of
// 10,000 articles. Real PostgreSQL, Temporal dev server and API process. Writes its section of
// docs/benchmarks.md (between the <!-- articles --> markers).
import type { ChildProcess } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { connectDatabase } from '../src/db/client.js';
import { runMigrations } from '../src/db/migrate.js';
import { articles } from '../src/db/schema.js';
import { createAccount } from '../src/domain/accounts/index.js';
import { articleWhere } from '../src/domain/articles/index.js';
import { startEmbeddedPostgres } from '../src/infra/embedded-postgres.js';
import { resolveTemporalCli } from '../src/infra/temporal-cli.js';
import { findFreePort, startTemporalDevServer } from '../src/infra/temporal-dev-server.js';
import { newPayloadKeySpec } from '../src/temporal/payload-keys.js';
import { benchCleanup } from './cleanup.js';
import { writeBenchSection } from './results-doc.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const quiet = { info: () => undefined, warn: (m: string) => console.warn(m) };
const SEARCH_ARTICLES = 20_000;
const EXPORT_ARTICLES = 10_000;
const cleanup = benchCleanup();

/** Each article draws 8 of 60 English words and 3 of 40 Chinese phrases: a term is in a few percent of the rows, like real topics. */
const WORDS_EN = Array.from({ length: 60 }, (_, i) => ['search', 'engine', 'optimisation', 'assistant', 'citation', 'garden', 'brand', 'ranking', 'model', 'answer'][i % 10] + (i < 10 ? '' : `x${i}`));
const PHRASES_ZH = ['内容营销', '搜索引擎', '生成式引擎优化', '品牌曝光', '用户增长', '人工智能', '问答平台', '营销策略', '数据分析', '转化率'].flatMap((p) => [
  p,
  `${p}方法`,
  `如何${p}`,
  `${p}案例`,
]);

/** mulberry32: a fixed pseudo-random sequence per article. */
function random(seed: number) {
  let a = seed >>> 0;
  return (n: number) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return (((t ^ (t >>> 14)) >>> 0) % n);
  };
}

/** A ~3 KB article. */
function articleText(i: number) {
  const next = random(i + 1);
  const en = Array.from({ length: 8 }, () => WORDS_EN[next(WORDS_EN.length)]!);
  const zh = Array.from({ length: 3 }, () => PHRASES_ZH[next(PHRASES_ZH.length)]!);
  const filler = 'the of and to in a is that for it as with was on be by this are or from at an';
  const paragraphs = Array.from({ length: 6 }, (_, p) => `${filler} ${en.slice(p % 4, p % 4 + 4).join(' ')} ${filler}.\n\n这是关于${zh.join('，')}的文章。我们讨论${zh[p % 3]}的做法与经验，以及常见问题。`);
  return { title: `Article ${i}: ${en[0]} ${zh[0]}`, content: `## Part\n\n${paragraphs.join('\n\n')}` };
}

async function seed(sql: ReturnType<typeof connectDatabase>['sql'], accountId: number, n: number, keyword = 'bench') {
  for (let start = 0; start < n; start += 1000) {
    const rows = Array.from({ length: Math.min(1000, n - start) }, (_, k) => ({ ...articleText(start + k), position: start + k }));
    await sql`
      INSERT INTO articles (account_id, position, keyword, topics, title, content, review_status)
      SELECT ${accountId}, (r->>'position')::int, ${keyword}, '[]'::jsonb, r->>'title', r->>'content', 'pending_review'
      FROM jsonb_array_elements(${JSON.stringify(rows)}::jsonb) r`;
  }
}

async function medianMs(run: () => Promise<unknown>, times = 5) {
  const out: number[] = [];
  for (let i = 0; i < times; i++) {
    const t = performance.now();
    await run();
    out.push(performance.now() - t);
  }
  return out.sort((a, b) => a - b)[Math.floor(times / 2)]!;
}

function rssMiB(pid: number) {
  return readFile(`/proc/${pid}/status`, 'utf8').then((s) => Number(/VmRSS:\s+(\d+) kB/.exec(s)![1]) / 1024);
}

/** Bytes the process has handed to write() so far (sockets included), from /proc/<pid>/io. */
function writtenMiB(pid: number) {
  return readFile(`/proc/${pid}/io`, 'utf8').then((s) => Number(/wchar:\s+(\d+)/.exec(s)![1]) / 2 ** 20);
}

function spawnApi(env: Record<string, string>): Promise<ChildProcess> {
  const child = cleanup.spawn(process.execPath, ['--import', 'tsx', 'src/api-server.ts'], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  return new Promise((resolve, reject) => {
    const onData = (b: Buffer) => ((out += b.toString()), out.includes('API listening') && resolve(child));
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`API exited (${code}):\n${out.slice(-2000)}`)));
  });
}

async function main() {
  const runDir = path.join(ROOT, '.data', `bench-articles-${process.pid}`);
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
  try {
    await runMigrations(pg.url);
    const search = await createAccount(database.db, 'search');
    let t = performance.now();
    await seed(database.sql, search.accountId, SEARCH_ARTICLES);
    const seedMs = performance.now() - t;
    await database.sql`ANALYZE articles`;

    // Alternatives measured on the same rows: pg_trgm (GIN over title || content, ILIKE) and a plain scan.
    await database.sql`CREATE EXTENSION IF NOT EXISTS pg_trgm`;
    t = performance.now();
    await database.sql`CREATE INDEX bench_trgm_idx ON articles USING gin ((title || ' ' || content) gin_trgm_ops)`;
    const trgmBuildMs = performance.now() - t;
    const sizes = await database.sql`SELECT pg_size_pretty(pg_relation_size('articles_search_idx')) AS fts, pg_size_pretty(pg_relation_size('bench_trgm_idx')) AS trgm`;
    const { db, sql } = database;
    lines.push(`| query (${SEARCH_ARTICLES.toLocaleString('en')} articles, ~3 KB each) | bigram tsvector (GIN), rows | pg_trgm GIN + ILIKE, rows | ILIKE scan, no index |`, '| --- | --- | --- | --- |');
    for (const q of ['营销', '营销策略', '生成式引擎优化', '转化率案例', 'optimisation', 'gardenx15 citation']) {
      let ftsRows = 0;
      const fts = await medianMs(async () => {
        ftsRows = (await db.select({ id: articles.id }).from(articles).where(articleWhere(search.accountId, { q }))).length;
      });
      const like = q.split(' ').map((w) => `%${w}%`);
      const likeQuery = `SELECT id FROM articles WHERE account_id = $1 AND ${like.map((_, i) => `(title || ' ' || content) ILIKE $${i + 2}`).join(' AND ')}`;
      let trgmRows = 0;
      const trgm = await medianMs(async () => {
        trgmRows = (await sql.unsafe(likeQuery, [search.accountId, ...like])).length;
      });
      const scan = await medianMs(
        () =>
          sql.begin(async (tx) => {
            await tx`SET LOCAL enable_bitmapscan = off`;
            await tx.unsafe(likeQuery, [search.accountId, ...like]);
          }),
        3,
      );
      lines.push(`| \`${q}\` | ${fts.toFixed(0)} ms, ${ftsRows} | ${trgm.toFixed(0)} ms, ${trgmRows} | ${scan.toFixed(0)} ms |`);
    }
    lines.push('', `Seeding ${SEARCH_ARTICLES.toLocaleString('en')} articles (the generated search column computed on insert): ${(seedMs / 1000).toFixed(1)} s. Index sizes: bigram tsvector ${sizes[0]!.fts}, pg_trgm ${sizes[0]!.trgm} (built in ${(trgmBuildMs / 1000).toFixed(1)} s).`);
    await database.sql`DROP INDEX bench_trgm_idx`;

    const plan = await sql.unsafe(`EXPLAIN SELECT id FROM articles WHERE account_id = $1 AND deleted_at IS NULL AND search_vector @@ plainto_tsquery('english', 'optimisation')`, [search.accountId]);
    lines.push('', `Plan of a one-word search: ${plan.map((r) => String(r['QUERY PLAN']).trim()).slice(0, 3).join(' / ')}`);
    const exporter = await createAccount(database.db, 'export');
    await seed(database.sql, exporter.accountId, EXPORT_ARTICLES / 10, 'small');
    await seed(database.sql, exporter.accountId, EXPORT_ARTICLES - EXPORT_ARTICLES / 10);
    const port = await findFreePort();
    const api = await spawnApi({ DATABASE_URL: pg.url, TEMPORAL_ADDRESS: temporal.address, PORT: String(port), LOG_LEVEL: 'info', TEMPORAL_PAYLOAD_KEYS: newPayloadKeySpec() });
    lines.push('', '| export | articles | bytes | time | API RSS before | peak RSS delta | during a 3 s stall of the client |', '| --- | --- | --- | --- | --- | --- | --- |');
    // A warm-up export first, so the deltas are the export's and not the first request's code loading.
    const runs = [['json', 'small'], ...['json', 'md', 'html', 'zip'].flatMap((f) => [[f, 'small'], [f, '']])] as const;
    for (const [i, [format, keyword]] of runs.entries()) {
      const before = await rssMiB(api.pid!);
      let peak = before;
      const sampler = setInterval(() => void rssMiB(api.pid!).then((r) => (peak = Math.max(peak, r))), 10);
      t = performance.now();
      const res = await fetch(`http://127.0.0.1:${port}/api/articles/export?format=${format}${keyword ? `&keyword=${keyword}` : ''}`, { headers: { authorization: `Bearer ${exporter.apiKey}` } });
      let bytes = 0;
      let stalled = '';
      for await (const chunk of res.body!) {
        // Once per format, the client stops reading for 3 s after the first chunk: a server that did not
        // wait for the client would go on reading and buffering the whole export meanwhile.
        if (bytes === 0 && !keyword) {
          const [rssBefore, writtenBefore] = [await rssMiB(api.pid!), await writtenMiB(api.pid!)];
          await new Promise((r) => setTimeout(r, 3000));
          const written = (await writtenMiB(api.pid!)) - writtenBefore;
          stalled = ` | ${written.toFixed(1)} MiB written, RSS ${((await rssMiB(api.pid!)) - rssBefore).toFixed(1)} MiB`;
        }
        bytes += (chunk as Uint8Array).length;
      }
      const ms = performance.now() - t;
      clearInterval(sampler);
      peak = Math.max(peak, await rssMiB(api.pid!));
      const count = keyword ? EXPORT_ARTICLES / 10 : EXPORT_ARTICLES;
      if (i > 0) lines.push(`| ${format} | ${count.toLocaleString('en')} | ${(bytes / 2 ** 20).toFixed(1)} MiB | ${(ms / 1000).toFixed(1)} s | ${before.toFixed(0)} MiB | ${(peak - before).toFixed(1)} MiB${stalled || ' | '} |`);
    }
  } finally {
    await cleanup.stopAll('SIGTERM');
  }
  const machine = `${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}, Node ${process.version}`;
  const section = `## Articles: search and export (${new Date().toISOString()}, ${machine})\n\n${lines.join('\n')}`;
  console.log(section);
  await writeBenchSection('articles', section);
}

main().catch(async (err) => {
  console.error(err);
  await cleanup.stopAll('SIGKILL');
  process.exit(1);
});
