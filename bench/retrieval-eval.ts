// `npm run bench:retrieval-eval`: recall@3 and query p95 of each ranking method over the labelled set
// (test/fixtures/retrieval), its files parsed and chunked by the upload path (parseOffThread +
// addKnowledgeDocument) into knowledge_chunks: CJK bigrams (searchChunks, the default), jieba words (a
// column this bench adds), embeddings from the loopback embeddings server alone, and each text ranking
// fused with the embeddings by reciprocal rank fusion (searchKnowledge for bigrams). Embedded PostgreSQL
// on BENCH_PG_PORT (default 42160). Writes the table to docs/benchmarks.md.
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { DEFAULT_KNOWLEDGE } from '../src/config.js';
import { connectDatabase } from '../src/db/client.js';
import { runMigrations } from '../src/db/migrate.js';
import { createAccount } from '../src/domain/accounts/index.js';
import { createKnowledgeBase } from '../src/domain/ingredients/index.js';
import {
  addKnowledgeDocument,
  createEmbeddingsClient,
  DEFAULT_CHUNKING,
  embedDocumentChunks,
  evaluateRetrieval,
  FUSION_CANDIDATES,
  parseOffThread,
  reciprocalRankFusion,
  searchChunks,
  searchKnowledge,
  type RankedChunk,
} from '../src/domain/knowledge/index.js';
import { rankChunksByEmbedding } from '../src/domain/knowledge/chunk-embeddings.js';
import { segmentForIndex } from '../src/domain/knowledge/segmentation.js';
import { orTsquery, textQueryTerms } from '../src/domain/knowledge/text-ranking.js';
import { startEmbeddedPostgres } from '../src/infra/embedded-postgres.js';
import { startEmbeddingsStub } from '../test/support/embeddings-stub.js';
import { loadRetrievalSet } from '../test/support/retrieval-set.js';
import { benchCleanup } from './cleanup.js';
import { writeBenchSection } from './results-doc.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const cleanup = benchCleanup();
const quiet = { info: () => undefined, warn: (m: string) => console.warn(m) };

async function main() {
  const runDir = path.join(ROOT, '.data', `bench-retrieval-eval-${process.pid}`);
  // Registered first, so it runs last: PostgreSQL stops before its folder goes.
  cleanup.onStop(() => rm(runDir, { recursive: true, force: true, maxRetries: 5 }));
  const pg = await startEmbeddedPostgres({ dataDir: path.join(runDir, 'pg'), port: Number(process.env.BENCH_PG_PORT ?? 42160), database: 'bench', log: quiet, persistent: false });
  cleanup.onStop(pg.stop);
  const database = connectDatabase(pg.url, { max: 2 });
  cleanup.onStop(database.close);
  const db = database.db;
  const stub = await startEmbeddingsStub();
  const embeddings = createEmbeddingsClient({ baseUrl: stub.url, model: 'stub', timeoutMs: 10_000, allowPrivate: true });
  try {
    await runMigrations(pg.url);
    const { accountId } = await createAccount(db, 'bench');
    const kb = (await createKnowledgeBase(db, accountId, { name: 'labelled set', documents: [] })) as { id: number };
    const knowledgeBaseId = kb.id;
    const set = await loadRetrievalSet();
    const documentIds = new Map<string, number>();
    for (const doc of set.documents) {
      const parsed = await parseOffThread(new TextEncoder().encode(doc.content), { fileName: doc.file, plainText: false, maxUnpackedBytes: DEFAULT_KNOWLEDGE.maxUnpackedBytes, chunking: DEFAULT_CHUNKING });
      const row = await addKnowledgeDocument(db, accountId, knowledgeBaseId, { ...parsed, bytes: doc.content.length });
      documentIds.set(doc.file, row.id);
      await embedDocumentChunks(db, embeddings, row.id);
    }
    // The jieba alternative: each chunk's heading and text segmented in JS, stored as a tsvector beside the bigram one.
    await db.execute(sql`ALTER TABLE knowledge_chunks ADD COLUMN segmented_vector tsvector`);
    for (const c of await db.execute<{ id: number; heading: string; text: string }>(sql`SELECT id, heading, text FROM knowledge_chunks`)) {
      await db.execute(sql`UPDATE knowledge_chunks SET segmented_vector = to_tsvector('english', ${segmentForIndex(`${c.heading} ${c.text}`)}) WHERE id = ${c.id}`);
    }
    const [{ n }] = (await db.execute(sql`SELECT count(*)::int AS n FROM knowledge_chunks`)) as unknown as [{ n: number }];

    const search = { accountId, knowledgeBaseId };
    const jieba = async (query: string, limit: number): Promise<{ chunkId: number; documentId: number; text: string }[]> => {
      const tsq = orTsquery(textQueryTerms(query, 'jieba'));
      if (!tsq) return [];
      const rows = await db.execute<{ id: number; document_id: number; text: string }>(sql`
        SELECT c.id, c.document_id, c.text FROM knowledge_chunks c, to_tsquery('english', ${tsq}) q
        WHERE c.account_id = ${accountId} AND c.knowledge_base_id = ${knowledgeBaseId} AND c.segmented_vector @@ q
        ORDER BY ts_rank(c.segmented_vector, q) DESC, c.id LIMIT ${limit}`);
      return rows.map((r) => ({ chunkId: r.id, documentId: r.document_id, text: r.text }));
    };
    const chunkRows = new Map((await db.execute<{ id: number; document_id: number; text: string }>(sql`SELECT id, document_id, text FROM knowledge_chunks`)).map((r) => [r.id, { documentId: r.document_id, text: r.text }]));
    const byEmbedding = async (query: string, limit: number) => {
      const [vector] = await embeddings.embed([query]);
      return rankChunksByEmbedding(db, { ...search, model: embeddings.model, vector: vector!, limit });
    };
    const methods: [string, (q: string) => Promise<readonly RankedChunk[]>][] = [
      ['bigram (default: searchChunks)', (q) => searchChunks(db, { ...search, query: q, limit: 3 })],
      ['jieba', (q) => jieba(q, 3)],
      ['embeddings alone (loopback stub)', async (q) => (await byEmbedding(q, 3)).map((id) => chunkRows.get(id)!)],
      ['bigram + embeddings, RRF (searchKnowledge)', (q) => searchKnowledge(db, embeddings, { ...search, query: q, limit: 3 })],
      [
        'jieba + embeddings, RRF',
        async (q) => {
          const [text, vector] = await Promise.all([jieba(q, FUSION_CANDIDATES), byEmbedding(q, FUSION_CANDIDATES)]);
          return reciprocalRankFusion([text.map((c) => c.chunkId), vector]).slice(0, 3).map((f) => chunkRows.get(f.key)!);
        },
      ],
    ];
    const lines = [`${set.documents.length} documents, ${n} chunks (upload path, ${DEFAULT_CHUNKING.maxTokens}-token chunks), ${set.questions.length} questions (${set.questions.filter((q) => q.lang === 'zh').length} zh)`, '', '| method | recall@3 | zh | en | query p95 |', '| --- | --- | --- | --- | --- |'];
    const missLines: string[] = [];
    for (const [name, run] of methods) {
      for (const q of set.questions.slice(0, 5)) await run(q.question);
      const all = await evaluateRetrieval(set.questions, documentIds, run);
      const zh = await evaluateRetrieval(set.questions.filter((q) => q.lang === 'zh'), documentIds, run);
      const en = await evaluateRetrieval(set.questions.filter((q) => q.lang === 'en'), documentIds, run);
      lines.push(`| ${name} | ${all.recall.toFixed(3)} | ${zh.recall.toFixed(3)} | ${en.recall.toFixed(3)} | ${all.p95Ms.toFixed(1)} ms |`);
      missLines.push(`${name} misses: ${all.misses.map((m) => m.id).join(', ') || 'none'}`);
    }
    console.log([...lines, '', ...missLines].join('\n'));
    if (process.env.BENCH_WRITE !== '0') await writeBenchSection('retrieval-eval', `Latest \`npm run bench:retrieval-eval\` (${new Date().toISOString()}):\n\n${lines.join('\n')}\n\n${missLines.map((l) => `    ${l}`).join('\n')}`);
  } finally {
    await stub.close();
    await cleanup.stopAll('SIGTERM');
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
