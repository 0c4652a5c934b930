import { taskCost } from '../models/index.js';
import { and, asc, count, desc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { articles, generationTasks, taskItems, UNFINISHED_TASK_STATUSES, type TaskStatus } from '../../db/schema.js';
import { articleSummaryColumns } from '../articles/article-queries.js';
import { keywordsByIds } from '../distillations/distillations.js';
import { notFound } from '../errors.js';

/** The ids a task uses in order: the selected list, or the legacy single distillation_id. */
export function taskDistillationIds(task: { selectedDistillationIds: number[] | null; distillationId: number | null }) {
  if (task.selectedDistillationIds?.length) return task.selectedDistillationIds;
  return task.distillationId !== null ? [task.distillationId] : [];
}

const articleSummary = { ...articleSummaryColumns, deletedAt: articles.deletedAt };

export async function getTaskDetail(db: DbOrTx, accountId: number, taskId: number) {
  const [task] = await db
    .select()
    .from(generationTasks)
    .where(and(eq(generationTasks.id, taskId), eq(generationTasks.accountId, accountId)));
  if (!task) throw notFound('task', taskId);
  const ids = taskDistillationIds(task);
  const [keywords, items, generatedArticles, cost] = await Promise.all([
    keywordsByIds(db, ids),
    db.select().from(taskItems).where(eq(taskItems.taskId, taskId)).orderBy(asc(taskItems.position)),
    db.select(articleSummary).from(articles).where(eq(articles.taskId, taskId)).orderBy(asc(articles.position)),
    taskCost(db, taskId),
  ]);
  const { modelRoute, ...columns } = task;
  return {
    ...columns,
    keyword: keywords.get(ids[0]!)?.keyword ?? null,
    selectedDistillations: ids.map((id) => ({ id, keyword: keywords.get(id)?.keyword ?? null, deleted: keywords.get(id)?.deleted ?? true })),
    items: items.map((i) => ({
      position: i.position,
      distillationId: i.distillationId,
      state: i.state,
      attempts: i.attempts,
      error: i.error,
      articleId: i.articleId,
    })),
    generatedArticles,
    // Summed over its articles: with concurrency the wall times overlap, so their sum exceeds the task's elapsed time.
    attemptsDurationMs: generatedArticles.reduce((sum, a) => sum + (a.attemptsDurationMs ?? a.durationMs), 0),
    wallDurationMs: generatedArticles.reduce((sum, a) => sum + (a.wallDurationMs ?? a.durationMs), 0),
    models: modelRoute,
    ...cost,
  };
}

/** The seed's list column: the first keyword, or "used N distillations" when a task used several. */
export function distillationSummary(n: number, firstKeyword: string | null) {
  if (n <= 1) return firstKeyword;
  return `Used ${n} distillations (使用了${n}个蒸馏结果)`;
}

export async function listTasks(
  db: DbOrTx,
  accountId: number,
  opts: { page: number; pageSize: number; status?: TaskStatus },
) {
  const where = and(eq(generationTasks.accountId, accountId), opts.status ? eq(generationTasks.status, opts.status) : undefined);
  const [rows, [total]] = await Promise.all([
    db
      .select()
      .from(generationTasks)
      .where(where)
      .orderBy(desc(generationTasks.createdAt), desc(generationTasks.id))
      .limit(opts.pageSize)
      .offset((opts.page - 1) * opts.pageSize),
    db.select({ n: count() }).from(generationTasks).where(where),
  ]);
  const firstIds = rows.map((t) => taskDistillationIds(t)[0]).filter((id): id is number => id !== undefined);
  const keywords = await keywordsByIds(db, [...new Set(firstIds)]);
  const tasks = rows.map((t) => {
    const ids = taskDistillationIds(t);
    const keyword = ids[0] === undefined ? null : (keywords.get(ids[0])?.keyword ?? null);
    return {
      id: t.id,
      status: t.status,
      keyword,
      distillationCount: ids.length,
      distillationResult: distillationSummary(ids.length, keyword),
      requestedCount: t.requestedCount,
      generatedCount: t.generatedCount,
      failedCount: t.failedCount,
      skippedCount: t.skippedCount,
      progress: t.progress,
      priority: t.priority,
      retryCount: t.retryCount,
      maxRetries: t.maxRetries,
      errorMessage: t.errorMessage,
      pauseReason: t.pauseReason,
      provider: t.provider,
      model: t.model,
      workflowId: t.workflowId,
      createdAt: t.createdAt,
      updatedAt: t.updatedAt,
      completedAt: t.completedAt,
    };
  });
  return { tasks, page: opts.page, pageSize: opts.pageSize, total: total?.n ?? 0 };
}

/**
 * Per task of `taskIds` (the account's), its live articles waiting for review and those the quality gate
 * flagged: the console's task list. One grouped read over the (task_id, position) index.
 */
export async function reviewCountsOfTasks(db: DbOrTx, accountId: number, taskIds: number[]) {
  const counts = new Map<number, { pendingReview: number; flagged: number }>();
  if (taskIds.length === 0) return counts;
  const rows = await db
    .select({
      taskId: articles.taskId,
      pendingReview: sql<number>`count(*) FILTER (WHERE ${articles.reviewStatus} = 'pending_review')::int`,
      flagged: sql<number>`count(*) FILTER (WHERE jsonb_array_length(${articles.qualityFlags}) > 0)::int`,
    })
    .from(articles)
    .where(and(eq(articles.accountId, accountId), inArray(articles.taskId, taskIds), isNull(articles.deletedAt)))
    .groupBy(articles.taskId);
  for (const r of rows) if (r.taskId !== null) counts.set(r.taskId, { pendingReview: r.pendingReview, flagged: r.flagged });
  return counts;
}

/** Tasks the service must drive to the end: not terminal. Used to resume after a restart. */
export async function unfinishedTaskIds(db: DbOrTx) {
  const rows = await db
    .select({ id: generationTasks.id, accountId: generationTasks.accountId, priority: generationTasks.priority })
    .from(generationTasks)
    .where(inArray(generationTasks.status, [...UNFINISHED_TASK_STATUSES]));
  return rows;
}


/** What a task's workflow summary names: how many articles and the keywords in order of use (null for a task not found). */
export async function taskSummaryFacts(db: DbOrTx, taskId: number) {
  const [task] = await db
    .select({ requestedCount: generationTasks.requestedCount, selectedDistillationIds: generationTasks.selectedDistillationIds, distillationId: generationTasks.distillationId })
    .from(generationTasks)
    .where(eq(generationTasks.id, taskId));
  if (!task) return null;
  const ids = taskDistillationIds(task);
  const keywords = await keywordsByIds(db, ids);
  return { requestedCount: task.requestedCount, distillations: ids.map((id) => ({ id, keyword: keywords.get(id)?.keyword ?? null })) };
}
