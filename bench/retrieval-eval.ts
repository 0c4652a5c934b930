// `npm run bench:retrieval-eval`: recall@3 and query p95 of each ranking method over the labelled set
// (test/fixtures/retrieval): CJK bigrams (artgen_search_text), jieba words, and each fused with embeddings
// from the loopback embeddings server by reciprocal rank fusion. Embedded PostgreSQL on BENCH_PG_PORT
// (default 42160). Writes the table to docs/benchmarks.md.
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { connectDatabase } from '../src/db/client.js';
import { runMigrations } from '../src/db/migrate.js';
import { startEmbeddedPostgres } from '../src/infra/embedded-postgres.js';
import { createEmbeddingsClient } from '../src/domain/knowledge/embeddings-client.js';
import { evaluateRetrieval, type RankedChunk } from '../src/domain/knowledge/evaluation.js';
import { reciprocalRankFusion } from '../src/domain/knowledge/rank-fusion.js';
import { segmentForIndex } from '../src/domain/knowledge/segmentation.js';
import { orTsquery, textQueryTerms, type CjkTokenizer } from '../src/domain/knowledge/text-ranking.js';
import { startEmbeddingsStub } from '../test/support/embeddings-stub.js';
import { loadRetrievalSet, standInChunks } from './retrieval-set.js';
import { writeBenchSection } from './results-doc.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const CANDIDATES = 50;
const quiet = { info: () => undefined, warn: (m: string) => console.warn(m) };

async function main() {
  const runDir = path.join(ROOT, '.data', `bench-retrieval-eval-${process.pid}`);
  const pg = await startEmbeddedPostgres({ dataDir: path.join(runDir, 'pg'), port: Number(process.env.BENCH_PG_PORT ?? 42160), database: 'bench', log: quiet, persistent: false });
  const database = connectDatabase(pg.url, { max: 2 });
  const stub = await startEmbeddingsStub();
  const embeddings = createEmbeddingsClient({ baseUrl: stub.url, model: 'stub', timeoutMs: 10_000, allowPrivate: true });
  const sql = database.sql;
  try {
    await runMigrations(pg.url);
    await sql`CREATE TABLE eval_chunks (
      id serial PRIMARY KEY, document_id int NOT NULL, text text NOT NULL,
      bigram_vector tsvector GENERATED ALWAYS AS (to_tsvector('english', artgen_search_text('', text))) STORED,
      segmented_vector tsvector NOT NULL, embedding real[] NOT NULL)`;
    const set = await loadRetrievalSet();
    const documentIds = new Map<string, number>();
    for (const [i, doc] of set.documents.entries()) {
      documentIds.set(doc.file, i + 1);
      const chunks = standInChunks(doc.content);
      const vectors = await embeddings.embed(chunks);
      for (const [j, text] of chunks.entries()) {
        await sql`INSERT INTO eval_chunks (document_id, text, segmented_vector, embedding) VALUES (${i + 1}, ${text}, to_tsvector('english', ${segmentForIndex(text)}), ${vectors[j]!})`;
      }
    }
    const [{ n }] = (await sql`SELECT count(*)::int AS n FROM eval_chunks`) as unknown as [{ n: number }];

    const textSearch = (tokenizer: CjkTokenizer) => async (query: string, limit: number) => {
      const tsq = orTsquery(textQueryTerms(query, tokenizer));
      if (!tsq) return [];
      const column = sql(tokenizer === 'jieba' ? 'segmented_vector' : 'bigram_vector');
      return sql<{ id: number; documentId: number; text: string }[]>`
        SELECT id, document_id AS "documentId", text FROM eval_chunks, to_tsquery('english', ${tsq}) q
        WHERE ${column} @@ q ORDER BY ts_rank(${column}, q, 1) DESC, id LIMIT ${limit}`;
    };
    const vectorSearch = async (query: string, limit: number) => {
      const [vector] = await embeddings.embed([query]);
      return sql<{ id: number; documentId: number; text: string }[]>`
        SELECT id, document_id AS "documentId", text FROM eval_chunks
        ORDER BY (SELECT sum(a * b) FROM unnest(embedding, ${vector!}::real[]) AS t(a, b)) DESC, id LIMIT ${limit}`;
    };
    const fused = (tokenizer: CjkTokenizer) => async (query: string): Promise<RankedChunk[]> => {
      const [byText, byVector] = await Promise.all([textSearch(tokenizer)(query, CANDIDATES), vectorSearch(query, CANDIDATES)]);
      const rows = new Map([...byText, ...byVector].map((r) => [r.id, r]));
      return reciprocalRankFusion([byText.map((r) => r.id), byVector.map((r) => r.id)]).map((f) => rows.get(f.key)!);
    };
    const methods: [string, (q: string) => Promise<readonly RankedChunk[]>][] = [
      ['bigram', (q) => textSearch('bigram')(q, 3)],
      ['jieba', (q) => textSearch('jieba')(q, 3)],
      ['embeddings alone', (q) => vectorSearch(q, 3)],
      ['bigram + embeddings (RRF)', fused('bigram')],
      ['jieba + embeddings (RRF)', fused('jieba')],
    ];
    const lines = [`${set.documents.length} documents, ${n} stand-in chunks, ${set.questions.length} questions (${set.questions.filter((q) => q.lang === 'zh').length} zh)`, '', '| method | recall@3 | zh | en | query p95 |', '| --- | --- | --- | --- | --- |'];
    const missLines: string[] = [];
    for (const [name, search] of methods) {
      for (const q of set.questions.slice(0, 5)) await search(q.question);
      const all = await evaluateRetrieval(set.questions, documentIds, search);
      const zh = await evaluateRetrieval(set.questions.filter((q) => q.lang === 'zh'), documentIds, search);
      const en = await evaluateRetrieval(set.questions.filter((q) => q.lang === 'en'), documentIds, search);
      lines.push(`| ${name} | ${all.recall.toFixed(3)} | ${zh.recall.toFixed(3)} | ${en.recall.toFixed(3)} | ${all.p95Ms.toFixed(1)} ms |`);
      missLines.push(`${name} misses: ${all.misses.map((m) => m.id).join(', ') || 'none'}`);
    }
    console.log([...lines, '', ...missLines].join('\n'));
    if (process.env.BENCH_WRITE !== '0') await writeBenchSection('retrieval-eval', `Latest \`npm run bench:retrieval-eval\` (${new Date().toISOString()}):\n\n${lines.join('\n')}\n\n${missLines.map((l) => `    ${l}`).join('\n')}`);
  } finally {
    await stub.close();
    await database.close();
    await pg.stop();
    await rm(runDir, { recursive: true, force: true }).catch(() => undefined);
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
