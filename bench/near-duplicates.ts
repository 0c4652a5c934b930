// `npm run bench:near-duplicates`: how long the near-duplicate lookup of one draft takes against an
// account of 100,000 articles. Embedded PostgreSQL (port BENCH_PG_PORT, default 42150), synthetic
// articles of about 1,200 characters from a 2,000-word vocabulary. Times the chosen method (SimHash bands
// on a GIN index, src/domain/quality/near-duplicates.ts) and, for comparison, pg_trgm's similarity() with
// a GIN trigram index over the content. Prints each figure beside its limit and writes them to
// docs/benchmarks.md. Not part of the tests: these machines are noisy.
import { rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { connectDatabase } from '../src/db/client.js';
import { runMigrations } from '../src/db/migrate.js';
import { createAccount } from '../src/domain/accounts/index.js';
import { nearestArticle } from '../src/domain/quality/near-duplicates.js';
import { simhash, taggedBands } from '../src/domain/quality/simhash.js';
import { startEmbeddedPostgres } from '../src/infra/embedded-postgres.js';
import { benchCleanup } from './cleanup.js';
import { writeBenchSection } from './results-doc.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const cleanup = benchCleanup();
const ARTICLES = Number(process.env.BENCH_ARTICLES ?? 100_000);
/** pg_trgm takes seconds per lookup already at 5,000 articles, so it is timed over fewer by default. */
const TRGM_ARTICLES = Number(process.env.BENCH_TRGM_ARTICLES ?? 20_000);
const LOOKUPS = 200;
const TRGM_LOOKUPS = 10;
/** A lookup per draft well below one LLM call (seconds): 50 ms at p99. */
const LIMIT_MS = 50;
const quiet = { info: () => undefined, warn: (m: string) => console.warn(m) };

let seed = 42;
const random = () => ((seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0) / 2 ** 32);
const VOCABULARY = Array.from({ length: 2000 }, (_, i) => `w${i.toString(36)}${'aeiou'[i % 5]}${'nrst'[i % 4]}`);
const text = (words = 180) => Array.from({ length: words }, () => VOCABULARY[Math.floor(random() * VOCABULARY.length)]).join(' ');
/** A copy with a few words changed: what the check must catch. */
const nearCopy = (t: string) => t.split(' ').map((w) => (random() < 0.01 ? 'changed' : w)).join(' ');
const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))]!;
const ms = (n: number) => `${n.toFixed(2)} ms`;

async function timed<T>(fn: () => Promise<T>) {
  const t = performance.now();
  const result = await fn();
  return { result, ms: performance.now() - t };
}

async function main() {
  const runDir = path.join(ROOT, '.data', `bench-near-duplicates-${process.pid}`);
  // Registered first, so it runs last: PostgreSQL stops before its folder goes.
  cleanup.onStop(() => rm(runDir, { recursive: true, force: true, maxRetries: 5 }));
  const pg = await startEmbeddedPostgres({ dataDir: path.join(runDir, 'pg'), port: Number(process.env.BENCH_PG_PORT ?? 42150), database: 'bench', log: quiet, persistent: false });
  cleanup.onStop(pg.stop);
  const database = connectDatabase(pg.url, { max: 4 });
  cleanup.onStop(database.close);
  const lines: string[] = [];
  const say = (line: string) => {
    console.log(line);
    lines.push(line);
  };
  try {
    await runMigrations(pg.url);
    const { accountId } = await createAccount(database.db, 'bench');
    const contents: string[] = [];
    const insert = await timed(async () => {
      for (let start = 0; start < ARTICLES; start += 1000) {
        const rows = Array.from({ length: Math.min(1000, ARTICLES - start) }, (_, i) => {
          const content = text();
          contents.push(content);
          return { account_id: accountId, position: start + i, keyword: 'bench', topics: '[]', title: `Article ${start + i}`, content, review_status: 'approved', simhash_bands: taggedBands(simhash(content)) };
        });
        await database.sql`INSERT INTO articles ${database.sql(rows)}`;
      }
      await database.sql`ANALYZE articles`;
    });
    say(`${ARTICLES} articles inserted with their SimHash in ${(insert.ms / 1000).toFixed(1)} s`);

    // Warm-up (connections, plan cache) outside the figures.
    for (let i = 0; i < 5; i++) await nearestArticle(database.db, accountId, taggedBands(simhash(text())));
    const times: number[] = [];
    const hashing: number[] = [];
    let caught = 0;
    for (let i = 0; i < LOOKUPS; i++) {
      const copy = i % 2 === 0;
      const draft = copy ? nearCopy(contents[Math.floor(random() * contents.length)]!) : text();
      const hashed = await timed(async () => taggedBands(simhash(draft)));
      const { result, ms: took } = await timed(() => nearestArticle(database.db, accountId, hashed.result));
      hashing.push(hashed.ms);
      times.push(hashed.ms + took);
      if (copy && result && result.distance <= 3) caught++;
    }
    const p99 = quantile(times, 0.99);
    say(`SimHash bands: lookup per draft p50 ${ms(quantile(times, 0.5))}, p99 ${ms(p99)} (of which hashing p50 ${ms(quantile(hashing, 0.5))}) | limit ${LIMIT_MS} ms | ${p99 <= LIMIT_MS ? 'PASS' : 'FAIL'} | near copies (1 % of words changed) within 3 bits: ${caught} of ${LOOKUPS / 2}`);

    await database.sql`CREATE EXTENSION IF NOT EXISTS pg_trgm`;
    if (TRGM_ARTICLES < ARTICLES) await database.sql`DELETE FROM articles WHERE position >= ${TRGM_ARTICLES}`;
    const index = await timed(() => database.sql`CREATE INDEX articles_content_trgm_idx ON articles USING gin (content gin_trgm_ops)`);
    say(`pg_trgm over ${TRGM_ARTICLES} articles: CREATE EXTENSION pg_trgm works in embedded-postgres; GIN trigram index built in ${(index.ms / 1000).toFixed(1)} s`);
    const trgm: number[] = [];
    for (let i = 0; i < TRGM_LOOKUPS; i++) {
      const draft = nearCopy(contents[Math.floor(random() * TRGM_ARTICLES)]!);
      const { ms: took } = await timed(() => database.sql.begin(async (tx) => {
        await tx`SELECT set_limit(0.8)`;
        return tx`SELECT id, similarity(content, ${draft}) AS s FROM articles WHERE account_id = ${accountId} AND content % ${draft} ORDER BY s DESC LIMIT 1`;
      }));
      trgm.push(took);
    }
    const trgmP50 = quantile(trgm, 0.5);
    say(`pg_trgm similarity(): lookup per draft p50 ${ms(trgmP50)}, max ${ms(Math.max(...trgm))} (${TRGM_LOOKUPS} lookups) | limit ${LIMIT_MS} ms | ${trgmP50 <= LIMIT_MS ? 'PASS' : 'FAIL'}`);
  } finally {
    await cleanup.stopAll('SIGTERM');
  }
  const machine = `${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB`;
  await writeBenchSection('near-duplicates', `Latest \`npm run bench:near-duplicates\` (${new Date().toISOString()}, ${machine}):\n\n${lines.map((l) => `    ${l}`).join('\n')}`);
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
