import { and, count, desc, eq, isNull, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { articleRevisions, articles } from '../../db/schema.js';
import { notFound } from '../errors.js';
import { articleFields } from './article-queries.js';

/** Who made a change: the API key's id and prefix (never the key). */
export interface Editor {
  apiKeyId: number | null;
  keyPrefix: string | null;
}

/**
 * Changes an article's title and/or content and keeps what they were as a revision, in one transaction.
 * Text equal to the current one is no change: no revision, `changed: false`. The review state stays.
 */
export async function editArticle(db: DbOrTx, accountId: number, id: number, edit: { title?: string; content?: string }, editor: Editor) {
  return db.transaction(async (tx) => {
    const [current] = await tx
      .select(articleFields)
      .from(articles)
      .where(and(eq(articles.id, id), eq(articles.accountId, accountId), isNull(articles.deletedAt)))
      .for('update');
    if (!current) throw notFound('article', id);
    const title = edit.title ?? current.title;
    const content = edit.content ?? current.content;
    if (title === current.title && content === current.content) return { changed: false, revisionId: null, article: current };
    const [revision] = await tx
      .insert(articleRevisions)
      .values({ articleId: id, accountId, ...editor, previousTitle: current.title, previousContent: current.content })
      .returning({ id: articleRevisions.id });
    const [article] = await tx.update(articles).set({ title, content, updatedAt: sql`now()` }).where(eq(articles.id, id)).returning(articleFields);
    return { changed: true, revisionId: revision!.id, article: article! };
  });
}

/** An article's revisions, newest first: each holds the title and content an edit replaced. */
export async function listRevisions(db: DbOrTx, accountId: number, id: number, page: { page: number; pageSize: number }) {
  const [article] = await db
    .select({ id: articles.id })
    .from(articles)
    .where(and(eq(articles.id, id), eq(articles.accountId, accountId), isNull(articles.deletedAt)));
  if (!article) throw notFound('article', id);
  const where = eq(articleRevisions.articleId, id);
  const [rows, [total]] = await Promise.all([
    db
      .select({
        id: articleRevisions.id,
        apiKeyId: articleRevisions.apiKeyId,
        keyPrefix: articleRevisions.keyPrefix,
        previousTitle: articleRevisions.previousTitle,
        previousContent: articleRevisions.previousContent,
        createdAt: articleRevisions.createdAt,
      })
      .from(articleRevisions)
      .where(where)
      .orderBy(desc(articleRevisions.id))
      .limit(page.pageSize)
      .offset((page.page - 1) * page.pageSize),
    db.select({ n: count() }).from(articleRevisions).where(where),
  ]);
  return { revisions: rows, page: page.page, pageSize: page.pageSize, total: total?.n ?? 0 };
}

/**
 * Soft-deletes an article: it leaves lists, exports and the review queue, but its row, its usage row and
 * its distillation's usage_count stay: the distillation was used when the article was written
 * (DESIGN.md invariants 1-5 count usage rows, not live articles).
 */
export async function deleteArticle(db: DbOrTx, accountId: number, id: number) {
  const [row] = await db
    .update(articles)
    .set({ deletedAt: sql`now()`, updatedAt: sql`now()` })
    .where(and(eq(articles.id, id), eq(articles.accountId, accountId), isNull(articles.deletedAt)))
    .returning({ id: articles.id });
  if (!row) throw notFound('article', id);
}
