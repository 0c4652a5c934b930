import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { rankChunksByEmbedding } from './chunk-embeddings.js';
import type { EmbeddingsClient } from './embeddings-client.js';
import { reciprocalRankFusion } from './rank-fusion.js';
import { searchChunks, type ChunkMatch, type ChunkSearch } from './search.js';
import { knowledgeTsQuery } from './search-query.js';

/** Candidates each ranking hands to the fusion: RRF only reorders what the two lists hold. */
export const FUSION_CANDIDATES = 50;

/**
 * The knowledge base's chunks for a query, best first. With an embeddings client: the text ranking
 * (searchChunks) and the chunks nearest the query's embedding, fused by reciprocal rank fusion (score = the
 * RRF score). Without one, or when the endpoint fails at search time, the text ranking alone: a search never
 * fails because an optional model is down. Text without a letter or digit matches nothing either way.
 */
export async function searchKnowledge(db: DbOrTx, embeddings: EmbeddingsClient | undefined, search: ChunkSearch): Promise<ChunkMatch[]> {
  if (!embeddings || !knowledgeTsQuery(search.query)) return searchChunks(db, search);
  let vector: number[];
  try {
    [vector] = (await embeddings.embed([search.query])) as [number[]];
  } catch {
    return searchChunks(db, search);
  }
  const candidates = Math.max(search.limit, FUSION_CANDIDATES);
  const [byText, byVector] = await Promise.all([
    searchChunks(db, { ...search, limit: candidates }),
    rankChunksByEmbedding(db, { accountId: search.accountId, knowledgeBaseId: search.knowledgeBaseId, model: embeddings.model, vector, limit: candidates }),
  ]);
  const fused = reciprocalRankFusion([byText.map((c) => c.chunkId), byVector]).slice(0, search.limit);
  const rows = new Map(byText.map((c) => [c.chunkId, c]));
  const missing = fused.map((f) => f.key).filter((id) => !rows.has(id));
  for (const row of await chunksByIds(db, search.accountId, missing)) rows.set(row.chunkId, row);
  return fused.flatMap((f) => {
    const row = rows.get(f.key);
    return row ? [{ ...row, score: f.score }] : [];
  });
}

async function chunksByIds(db: DbOrTx, accountId: number, ids: number[]): Promise<ChunkMatch[]> {
  if (ids.length === 0) return [];
  const rows = await db.execute<{ id: number; document_id: number; title: string; position: number; heading: string; text: string; tokens: number }>(sql`
    SELECT c.id, c.document_id, d.title, c.position, c.heading, c.text, c.tokens
    FROM knowledge_chunks c JOIN knowledge_documents d ON d.id = c.document_id
    WHERE c.account_id = ${accountId} AND c.id IN ${sql.raw(`(${ids.map(Number).join(',')})`)}`);
  return rows.map((r) => ({ chunkId: r.id, documentId: r.document_id, documentTitle: r.title, position: r.position, heading: r.heading, text: r.text, tokens: r.tokens, score: 0 }));
}
