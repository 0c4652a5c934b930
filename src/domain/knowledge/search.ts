import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { knowledgeTsQuery } from './search-query.js';
import { selectiveMatch } from './selective-terms.js';

export interface ChunkMatch {
  chunkId: number;
  documentId: number;
  documentTitle: string;
  position: number;
  heading: string;
  text: string;
  tokens: number;
  score: number;
}

export interface ChunkSearch {
  accountId: number;
  knowledgeBaseId: number;
  query: string;
  limit: number;
}

/**
 * The knowledge base's chunks that match any term of `query`, best first (ts_rank over CJK bigrams and
 * stemmed words, ties by chunk id): the one ranking the search endpoint and the article prompt share.
 * Text without a letter or digit matches nothing. Matching uses only the query's rarest terms within a
 * candidate budget (selectiveMatch, src/domain/knowledge/selective-terms.ts), ranking the full query, so a
 * question's common words do not make a large base rank every chunk.
 */
export async function searchChunks(db: DbOrTx, { accountId, knowledgeBaseId, query, limit }: ChunkSearch): Promise<ChunkMatch[]> {
  const tsQuery = knowledgeTsQuery(query);
  if (!tsQuery) return [];
  const rows = await db.execute<ChunkRow>(sql`
    SELECT c.id, c.document_id, d.title, c.position, c.heading, c.text, c.tokens, ts_rank(c.search_vector, q.q) AS score
    FROM (SELECT ${tsQuery} AS q) q, knowledge_chunks c
    JOIN knowledge_documents d ON d.id = c.document_id
    WHERE c.account_id = ${accountId} AND c.knowledge_base_id = ${knowledgeBaseId}
      AND c.search_vector @@ ${selectiveMatch(query, 'bigram', 'knowledge_chunks', 'search_vector')}
    ORDER BY score DESC, c.id
    LIMIT ${limit}`);
  return rows.map((r) => ({
    chunkId: r.id,
    documentId: r.document_id,
    documentTitle: r.title,
    position: r.position,
    heading: r.heading,
    text: r.text,
    tokens: r.tokens,
    score: Number(r.score),
  }));
}

interface ChunkRow extends Record<string, unknown> {
  id: number;
  document_id: number;
  title: string;
  position: number;
  heading: string;
  text: string;
  tokens: number;
  score: number | string;
}

/** The best chunks whose tokens fit in `budgetTokens` together, in their order (a chunk that does not fit is passed over, a smaller one after it may still fit). */
export function fitWithinBudget(ranked: readonly ChunkMatch[], budgetTokens: number): ChunkMatch[] {
  const out: ChunkMatch[] = [];
  let left = budgetTokens;
  for (const match of ranked) {
    if (match.tokens > left) continue;
    out.push(match);
    left -= match.tokens;
  }
  return out;
}
