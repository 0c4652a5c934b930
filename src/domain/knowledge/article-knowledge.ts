import { asc, eq } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { articleKnowledgeChunks as articleKnowledgeChunksTable, knowledgeChunks } from '../../db/schema.js';
import { chunksWithinBudget } from './search.js';

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
 */
export async function retrieveArticleKnowledge(db: DbOrTx, req: ArticleKnowledgeRequest) {
  const query = [req.keyword, ...req.topics].join('\n');
  const chunks = await chunksWithinBudget(db, { accountId: req.accountId, knowledgeBaseId: req.knowledgeBaseId, query }, req.budgetTokens);
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
