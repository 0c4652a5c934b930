/** Knowledge documents split into chunks for retrieval, and the chunks each article was given. */
import { sql } from 'drizzle-orm';
import { customType, index, integer, pgTable, primaryKey, real, text } from 'drizzle-orm/pg-core';
import { accounts } from './accounts.js';
import { articles } from './articles.js';
import { knowledgeBases, knowledgeDocuments } from './ingredients.js';

const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' });

export const knowledgeChunks = pgTable(
  'knowledge_chunks',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    accountId: integer('account_id').notNull().references(() => accounts.id, { onDelete: 'cascade' }),
    knowledgeBaseId: integer('knowledge_base_id').notNull().references(() => knowledgeBases.id, { onDelete: 'cascade' }),
    documentId: integer('document_id').notNull().references(() => knowledgeDocuments.id, { onDelete: 'cascade' }),
    /** 0-based order of the chunk in its document. */
    position: integer('position').notNull(),
    /** The heading the chunk sits under (empty when none); indexed with the text. */
    heading: text('heading').notNull().default(''),
    text: text('text').notNull(),
    /** Estimated tokens (docs/api.md "Knowledge bases"): what the prompt budget counts. */
    tokens: integer('tokens').notNull(),
    /** English words stemmed, CJK runs as overlapping bigrams (artgen_search_text, migration 0011), as articles. */
    searchVector: tsvector('search_vector')
      .notNull()
      .generatedAlwaysAs(sql`to_tsvector('english'::regconfig, artgen_search_text(heading, text))`),
  },
  (t) => [
    index('knowledge_chunks_document_idx').on(t.documentId, t.position),
    index('knowledge_chunks_base_idx').on(t.knowledgeBaseId),
    // fastupdate off: a pending list is scanned in full by every lookup (as articles_search_idx's neighbours).
    index('knowledge_chunks_search_idx').using('gin', t.searchVector).with({ fastupdate: false }),
  ],
);

/** The chunks an article's prompt carried, best first; a chunk deleted since keeps its row (chunk_id null). */
export const articleKnowledgeChunks = pgTable(
  'article_knowledge_chunks',
  {
    articleId: integer('article_id').notNull().references(() => articles.id, { onDelete: 'cascade' }),
    /** 0-based order in the prompt (best match first). */
    rank: integer('rank').notNull(),
    chunkId: integer('chunk_id').references(() => knowledgeChunks.id, { onDelete: 'set null' }),
    documentId: integer('document_id'),
    documentTitle: text('document_title').notNull(),
    position: integer('position').notNull(),
    score: real('score').notNull(),
  },
  (t) => [primaryKey({ columns: [t.articleId, t.rank] })],
);
