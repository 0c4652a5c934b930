import { asc, eq } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { articleKnowledgeChunks as articleKnowledgeChunksTable, knowledgeChunks } from '../../db/schema.js';
import type { EmbeddingsClient } from './embeddings-client.js';
import { searchKnowledge } from './fused-search.js';
import { fitWithinBudget } from './search.js';

/** Ranked candidates the budget picks from. */
const ARTICLE_CANDIDATES = 50;

/** A chunk an article's prompt carried, as the article records it. */
export interface UsedKnowledgeChunk {
  chunkId: number;
  documentId: number;
  documentTitle: string;
  position: number;
  score: number;
}

export interface ArticleKnowledgeRequest {
  accountId: number;
  knowledgeBaseId: number;
  knowledgeBaseName: string;
  keyword: string;
  topics: string[];
  budgetTokens: number;
}

/**
 * The passages of the task's knowledge base most relevant to the article's keyword and questions, best
 * first, within the token budget: what the prompt's knowledge section quotes (one passage per entry,
 * titled by its document and heading) and what the article records as used. Null when none match.
 * Ranked as the search route ranks (searchKnowledge): text and embedding fused when an embeddings client is
 * given, the text ranking alone without one or when its endpoint fails.
 */
export async function retrieveArticleKnowledge(db: DbOrTx, req: ArticleKnowledgeRequest, embeddings?: EmbeddingsClient) {
  if (req.budgetTokens <= 0) return null;
  const query = [req.keyword, ...req.topics].join('\n');
  const ranked = await searchKnowledge(db, embeddings, { accountId: req.accountId, knowledgeBaseId: req.knowledgeBaseId, query, limit: ARTICLE_CANDIDATES });
  const chunks = fitWithinBudget(ranked, req.budgetTokens);
  if (chunks.length === 0) return null;
  return {
    prompt: {
      name: req.knowledgeBaseName,
      documents: chunks.map((c) => ({ title: c.heading ? `${c.documentTitle} › ${c.heading}` : c.documentTitle, content: c.text })),
    },
    used: chunks.map((c): UsedKnowledgeChunk => ({ chunkId: c.chunkId, documentId: c.documentId, documentTitle: c.documentTitle, position: c.position, score: c.score })),
  };
}

/** The chunks an article's prompt carried, best first; chunkId null when the chunk was deleted since. */
export async function articleKnowledgeChunks(db: DbOrTx, articleId: number) {
  return db
    .select({
      chunkId: articleKnowledgeChunksTable.chunkId,
      documentId: articleKnowledgeChunksTable.documentId,
      documentTitle: articleKnowledgeChunksTable.documentTitle,
      position: articleKnowledgeChunksTable.position,
      score: articleKnowledgeChunksTable.score,
      text: knowledgeChunks.text,
    })
    .from(articleKnowledgeChunksTable)
    .leftJoin(knowledgeChunks, eq(knowledgeChunks.id, articleKnowledgeChunksTable.chunkId))
    .where(eq(articleKnowledgeChunksTable.articleId, articleId))
    .orderBy(asc(articleKnowledgeChunksTable.rank));
}
