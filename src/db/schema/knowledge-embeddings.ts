/** Embeddings of knowledge chunks, kept only where an embeddings endpoint is configured (EMBEDDINGS_BASE_URL). */
import { index, integer, pgTable, real, text } from 'drizzle-orm/pg-core';
import { knowledgeBases } from './ingredients.js';
import { knowledgeChunks } from './knowledge.js';

export const knowledgeChunkEmbeddings = pgTable(
  'knowledge_chunk_embeddings',
  {
    chunkId: integer('chunk_id')
      .primaryKey()
      .references(() => knowledgeChunks.id, { onDelete: 'cascade' }),
    knowledgeBaseId: integer('knowledge_base_id')
      .notNull()
      .references(() => knowledgeBases.id, { onDelete: 'cascade' }),
    /** The model that made the vector: vectors of another model are not compared with a query's. */
    model: text('model').notNull(),
    /** Unit-length float4 vector: cosine similarity is a dot product, computed in SQL (no pgvector in embedded PostgreSQL). */
    embedding: real('embedding').array().notNull(),
  },
  (t) => [index('knowledge_chunk_embeddings_base_idx').on(t.knowledgeBaseId, t.model)],
);
