import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import type { EmbeddingsClient } from './embeddings-client.js';

/**
 * Embeds a document's chunks (heading and text, as the text index reads them) and stores one vector per
 * chunk under the client's model. Runs after the document's transaction: a failed or slow endpoint never
 * loses the upload; chunks without a vector are found by the text ranking alone.
 */
export async function embedDocumentChunks(db: DbOrTx, client: EmbeddingsClient, documentId: number): Promise<number> {
  const chunks = await db.execute<{ id: number; knowledge_base_id: number; heading: string; text: string }>(
    sql`SELECT id, knowledge_base_id, heading, text FROM knowledge_chunks WHERE document_id = ${documentId} ORDER BY position`,
  );
  if (chunks.length === 0) return 0;
  const vectors = await client.embed(chunks.map((c) => (c.heading ? `${c.heading}\n${c.text}` : c.text)));
  const rows = chunks.map((c, i) => ({ chunk_id: c.id, knowledge_base_id: c.knowledge_base_id, model: client.model, embedding: vectors[i]! }));
  await db.execute(sql`
    INSERT INTO knowledge_chunk_embeddings (chunk_id, knowledge_base_id, model, embedding)
    SELECT chunk_id, knowledge_base_id, model, embedding FROM json_populate_recordset(null::knowledge_chunk_embeddings, ${JSON.stringify(rows)}::json)
    ON CONFLICT (chunk_id) DO UPDATE SET model = excluded.model, embedding = excluded.embedding`);
  return rows.length;
}

/**
 * The knowledge base's chunks nearest to a query vector (cosine: vectors are stored normalised, so a dot
 * product), best first. Computed in SQL over every vector of the base under the model: no vector index
 * (pgvector is not in embedded PostgreSQL), so its time grows with the base (docs/benchmarks.md).
 */
export async function rankChunksByEmbedding(db: DbOrTx, o: { accountId: number; knowledgeBaseId: number; model: string; vector: readonly number[]; limit: number }): Promise<number[]> {
  const rows = await db.execute<{ chunk_id: number }>(sql`
    SELECT e.chunk_id FROM knowledge_chunk_embeddings e
    JOIN knowledge_chunks c ON c.id = e.chunk_id AND c.account_id = ${o.accountId}
    WHERE e.knowledge_base_id = ${o.knowledgeBaseId} AND e.model = ${o.model}
    ORDER BY (SELECT sum(a * b) FROM unnest(e.embedding, ${`{${o.vector.join(',')}}`}::real[]) AS t(a, b)) DESC, e.chunk_id
    LIMIT ${o.limit}`);
  return rows.map((r) => r.chunk_id);
}
