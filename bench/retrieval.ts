// `npm run bench:retrieval`: one article's knowledge query (its keyword and its questions) against
// 10,000 documents / 100,000 chunks of one account, p95 beside the 50 ms limit, for the CJK bigram index
// (the default) and the jieba-segmented one. Synthetic Chinese and English text with a Zipf-like word
// distribution, inserted by multi-row INSERT. Embedded PostgreSQL on BENCH_PG_PORT (default 42170).
import { rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { connectDatabase } from '../src/db/client.js';
import { runMigrations } from '../src/db/migrate.js';
import { createAccount } from '../src/domain/accounts/index.js';
import { quantile, searchChunks } from '../src/domain/knowledge/index.js';
import { selectiveMatch } from '../src/domain/knowledge/selective-terms.js';
import { sql as drizzleSql } from 'drizzle-orm';
import { segmentForIndex } from '../src/domain/knowledge/segmentation.js';
import { orTsquery, textQueryTerms, type CjkTokenizer } from '../src/domain/knowledge/text-ranking.js';
import { startEmbeddedPostgres } from '../src/infra/embedded-postgres.js';
import { benchCleanup } from './cleanup.js';
import { writeBenchSection } from './results-doc.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const cleanup = benchCleanup();
const DOCUMENTS = Number(process.env.BENCH_DOCUMENTS ?? 10_000);
const CHUNKS_PER_DOCUMENT = 10;
const QUERIES = Number(process.env.BENCH_QUERIES ?? 200);
/** Ranking every term takes seconds per query at this size: a few show it. */
const EVERY_TERM_QUERIES = 10;
const LIMIT_MS = 50;
const quiet = { info: () => undefined, warn: (m: string) => console.warn(m) };

let seed = 7;
const random = () => ((seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0) / 2 ** 32);
const CHARS = [...'的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处理府研质'];
const ZH_WORDS = Array.from({ length: 6000 }, () => CHARS[Math.floor(random() * CHARS.length)]! + CHARS[Math.floor(random() * CHARS.length)]! + (random() < 0.3 ? CHARS[Math.floor(random() * CHARS.length)]! : ''));
const EN_WORDS = Array.from({ length: 3000 }, (_, i) => `w${i.toString(36)}${'aeiou'[i % 5]}${'nrst'[i % 4]}`);
/** Word rank drawn with a Zipf-like skew: a few words everywhere, most rare, as in real text. */
const zipf = (n: number) => Math.min(n - 1, Math.floor(Math.exp(random() * Math.log(n + 1)) - 1));
const sentence = (words: number) => {
  const zh = random() < 0.7;
  return Array.from({ length: words }, () => (zh ? ZH_WORDS[zipf(ZH_WORDS.length)] : EN_WORDS[zipf(EN_WORDS.length)])).join(zh ? '' : ' ') + (zh ? '。' : '. ');
};
const chunkText = () => Array.from({ length: 8 }, () => sentence(12)).join('');
const articleQuery = () => [ZH_WORDS[zipf(ZH_WORDS.length)]!, ...Array.from({ length: 5 }, () => `${sentence(5)}怎么选？`)].join(' ');

async function main() {
  const runDir = path.join(ROOT, '.data', `bench-retrieval-${process.pid}`);
  // Registered first, so it runs last: PostgreSQL stops before its folder goes.
  cleanup.onStop(() => rm(runDir, { recursive: true, force: true, maxRetries: 5 }));
  const pg = await startEmbeddedPostgres({ dataDir: path.join(runDir, 'pg'), port: Number(process.env.BENCH_PG_PORT ?? 42170), database: 'bench', log: quiet, persistent: false });
  cleanup.onStop(pg.stop);
  const database = connectDatabase(pg.url, { max: 4 });
  cleanup.onStop(database.close);
  const sql = database.sql;
  const lines: string[] = [];
  const say = (line: string) => {
    console.log(line);
    lines.push(line);
  };
  try {
    await runMigrations(pg.url);
    const { accountId } = await createAccount(database.db, 'bench');
    // The jieba alternative's column, in this bench's database only (the default indexes CJK bigrams).
    await sql`ALTER TABLE knowledge_chunks ADD COLUMN segmented_vector tsvector`;
    // Loaded without the GIN index (rebuilt below, as a restore would), so the load takes minutes, not tens.
    await sql`DROP INDEX knowledge_chunks_search_idx`;
    const [kb] = await sql<{ id: number }[]>`INSERT INTO knowledge_bases (account_id, name) VALUES (${accountId}, 'bench') RETURNING id`;
    const started = performance.now();
    for (let d = 0; d < DOCUMENTS; d += 100) {
      const docs = await sql<{ id: number }[]>`INSERT INTO knowledge_documents ${sql(Array.from({ length: 100 }, (_, i) => ({ knowledge_base_id: kb!.id, title: `Document ${d + i}`, content: '(chunks only)' })))} RETURNING id`;
      const rows = docs.flatMap((doc) =>
        Array.from({ length: CHUNKS_PER_DOCUMENT }, (_, position) => {
          const text = chunkText();
          return { account_id: accountId, knowledge_base_id: kb!.id, document_id: doc.id, position, text, tokens: text.length, segmented_vector: segmentForIndex(text) };
        }),
      );
      await sql`INSERT INTO knowledge_chunks (account_id, knowledge_base_id, document_id, position, text, tokens, segmented_vector)
        SELECT account_id, knowledge_base_id, document_id, position, text, tokens, to_tsvector('english', segmented_vector)
        FROM json_to_recordset(${JSON.stringify(rows)}::json) AS r(account_id int, knowledge_base_id int, document_id int, position int, text text, tokens int, segmented_vector text)`;
    }
    const inserted = performance.now() - started;
    const indexStarted = performance.now();
    await sql`CREATE INDEX knowledge_chunks_search_idx ON knowledge_chunks USING gin (search_vector) WITH (fastupdate = off)`;
    await sql`CREATE INDEX bench_chunks_segmented_idx ON knowledge_chunks USING gin (segmented_vector) WITH (fastupdate = off)`;
    await sql`ANALYZE knowledge_chunks`;
    say(`${DOCUMENTS} documents / ${DOCUMENTS * CHUNKS_PER_DOCUMENT} chunks (about ${chunkText().length} characters each) in one account and one knowledge base: inserted with jieba segmentation in ${(inserted / 1000).toFixed(1)} s, both GIN indexes built and analyzed in ${((performance.now() - indexStarted) / 1000).toFixed(1)} s`);

    for (const tokenizer of ['bigram', 'jieba'] as CjkTokenizer[]) {
      const column = tokenizer === 'jieba' ? 'segmented_vector' : 'search_vector';
      const vector = drizzleSql.identifier(column);
      const search = (query: string, prune: boolean): Promise<unknown[]> => {
        // The default, exactly as the search endpoint and the article prompt run it.
        if (tokenizer === 'bigram' && prune) return searchChunks(database.db, { accountId, knowledgeBaseId: kb!.id, query, limit: 50 });
        const full = drizzleSql`to_tsquery('english', ${orTsquery(textQueryTerms(query, tokenizer))!})`;
        const match = prune ? selectiveMatch(query, tokenizer, 'knowledge_chunks', column) : full;
        return database.db.execute(drizzleSql`SELECT c.id, d.title, c.text, ts_rank(c.${vector}, ${full}) AS score
          FROM knowledge_chunks c JOIN knowledge_documents d ON d.id = c.document_id
          WHERE c.account_id = ${accountId} AND c.knowledge_base_id = ${kb!.id} AND c.${vector} @@ ${match}
          ORDER BY score DESC, c.id LIMIT 50`);
      };
      for (const prune of [false, true]) {
        for (let i = 0; i < (prune ? 5 : 1); i++) await search(articleQuery(), prune);
        const times: number[] = [];
        let matched = 0;
        const queries = prune ? QUERIES : EVERY_TERM_QUERIES;
        for (let i = 0; i < queries; i++) {
          const q = articleQuery();
          const t = performance.now();
          matched += (await search(q, prune)).length;
          times.push(performance.now() - t);
        }
        const p95 = quantile(times, 0.95);
        say(`${tokenizer === 'bigram' && prune ? 'bigram, searchChunks (default: rarest terms within 1,000 rows)' : `${tokenizer}${prune ? ', rarest terms within 1,000 rows' : ', every term'}`}: article query (keyword + 5 questions, top 50) p50 ${quantile(times, 0.5).toFixed(1)} ms, p95 ${p95.toFixed(1)} ms | limit ${LIMIT_MS} ms | ${p95 <= LIMIT_MS ? 'PASS' : 'FAIL'} | ${(matched / queries).toFixed(0)} chunks answered per query (${queries} queries)`);
      }
    }
  } finally {
    await cleanup.stopAll('SIGTERM');
  }
  const machine = `${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB`;
  if (process.env.BENCH_WRITE !== '0') await writeBenchSection('retrieval', `Latest \`npm run bench:retrieval\` (${new Date().toISOString()}, ${machine}):\n\n${lines.map((l) => `    ${l}`).join('\n')}`);
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
