import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { albumImages, articles, distillationUsage, distillations, generationTasks, taskItems } from '../db/schema.js';
import { AppError } from './errors.js';
import { countSavedArticle } from './task-counters.js';
import { appendProgressMilestone, appendTaskEvent } from './task-events.js';

export interface ArticleDraft {
  title: string;
  content: string;
  keyword: string;
  topics: string[];
  imageId: number | null;
  imageUrl: string | null;
  autoApprove: boolean;
  provider: string;
  model: string;
  promptTokens: number;
  completionTokens: number;
  durationMs: number;
}

/**
 * Saves article `position` of a task, idempotently, in one transaction: the article, its usage row,
 * usage_count +1 and reserved_count -1, the item marked saved, the task counters and an event. Run twice
 * (an activity retry after a commit, a workflow reset), the second run changes nothing and returns the
 * same article id.
 */
export async function saveGeneratedArticle(db: Db, taskId: number, position: number, draft: ArticleDraft) {
  return db.transaction(async (tx) => {
    // The task row is locked only by the counter update at the end, so concurrent saves of one task
    // overlap for most of their work; events are still appended under that lock, in id order.
    const [[task], [item]] = await Promise.all([
      tx.select({ accountId: generationTasks.accountId }).from(generationTasks).where(eq(generationTasks.id, taskId)),
      tx
        .select()
        .from(taskItems)
        .where(and(eq(taskItems.taskId, taskId), eq(taskItems.position, position)))
        .for('update'),
    ]);
    if (!task || !item) throw new AppError(404, 'NOT_FOUND', `task ${taskId} has no article at position ${position}`);
    const { accountId } = task;
    if (item.state === 'saved' && item.articleId !== null) return { articleId: item.articleId, inserted: false };

    const inserted = await tx
      .insert(articles)
      .values({
        accountId,
        taskId,
        position,
        distillationId: item.distillationId,
        keyword: draft.keyword,
        topics: draft.topics,
        title: draft.title,
        content: draft.content,
        imageUrl: draft.imageUrl,
        reviewStatus: draft.autoApprove ? 'approved' : 'pending_review',
        provider: draft.provider,
        model: draft.model,
        promptTokens: draft.promptTokens,
        completionTokens: draft.completionTokens,
        durationMs: draft.durationMs,
      })
      .onConflictDoNothing({ target: [articles.taskId, articles.position] })
      .returning({ id: articles.id });
    const articleId = inserted[0]?.id;
    if (articleId === undefined) {
      throw new AppError(409, 'ARTICLE_EXISTS', `an article for task ${taskId} position ${position} exists but its item is ${item.state}`);
    }

    // An item released or failed earlier (a reset workflow re-running it) holds no reservation to give back.
    const reservationBack = item.state === 'reserved' ? 1 : 0;
    // Independent writes, pipelined in one round trip.
    await Promise.all([
      tx.insert(distillationUsage).values({ distillationId: item.distillationId, taskId, position, articleId }),
      tx
        .update(distillations)
        .set({
          usageCount: sql`${distillations.usageCount} + 1`,
          reservedCount: sql`${distillations.reservedCount} - ${reservationBack}`,
          updatedAt: sql`now()`,
        })
        .where(eq(distillations.id, item.distillationId)),
      draft.imageId === null
        ? null
        : tx.update(albumImages).set({ usageCount: sql`${albumImages.usageCount} + 1` }).where(eq(albumImages.id, draft.imageId)),
      tx
        .update(taskItems)
        .set({ state: 'saved', articleId, error: null, updatedAt: sql`now()` })
        .where(and(eq(taskItems.taskId, taskId), eq(taskItems.position, position))),
    ]);
    const counters = await countSavedArticle(tx, taskId, item.state, draft);
    await appendTaskEvent(tx, {
      accountId,
      taskId,
      type: 'article.saved',
      data: {
        articleId,
        position,
        title: draft.title,
        promptTokens: draft.promptTokens,
        completionTokens: draft.completionTokens,
        ...counters.after,
      },
    });
    await appendProgressMilestone(tx, { accountId, taskId, before: counters.progressBefore, counters: { ...counters.after } });
    return { articleId, inserted: true };
  });
}
