import { and, asc, eq, sql } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.js';
import { articles, distillations, generationTasks, taskItems, TERMINAL_TASK_STATUSES, type TaskStatus } from '../../db/schema.js';
import { notFound } from '../errors.js';
import { articlesFailed, tasksFinished } from '../../infra/metrics/registry.js';
import { refreshTaskCounters, releaseReservedItems, type TaskCounters } from './task-counters.js';
import { appendReviewNeeded } from '../articles/review-needed.js';
import { appendProgressMilestone, appendTaskEvent } from './task-events.js';
import { enqueueWebhookEvent } from '../webhooks/index.js';
import type { FinalEventType, TaskEventData } from '../../shared/events/index.js';

export const MISSING_DISTILLATIONS_MESSAGE =
  'Task configuration is invalid: it names no distillation (任务配置无效，缺少蒸馏结果信息)';

export interface TaskPlan {
  taskId: number;
  status: TaskStatus;
  concurrency: number;
  /** Positions whose article is still to be written, in order. */
  openPositions: number[];
  counters: TaskCounters;
  /** Epoch milliseconds after which the task ends as timeout; null: no limit. */
  timeoutAt: number | null;
}

import type { TaskSummary } from '../../shared/task-shapes.js';

export type { TaskSummary };

export const isTerminal = (s: TaskStatus) => TERMINAL_TASK_STATUSES.includes(s);

const countersOf = (t: Omit<TaskCounters, 'progress'> & { progress?: number }): TaskCounters => ({
  requestedCount: t.requestedCount,
  generatedCount: t.generatedCount,
  failedCount: t.failedCount,
  skippedCount: t.skippedCount,
  progress: t.progress ?? 100,
});

async function lockTask(tx: Tx, taskId: number) {
  const [task] = await tx.select().from(generationTasks).where(eq(generationTasks.id, taskId)).for('update');
  if (!task) throw notFound('task', taskId);
  return task;
}

/** Items for a task that has none yet: its selected ids, or N times its legacy distillation_id (seed property 18). */
async function planItems(tx: Tx, task: typeof generationTasks.$inferSelect) {
  const ids = task.selectedDistillationIds?.length
    ? task.selectedDistillationIds
    : task.distillationId !== null
      ? Array.from({ length: task.requestedCount }, () => task.distillationId!)
      : [];
  if (ids.length === 0) return false;
  await tx.insert(taskItems).values(ids.map((distillationId, position) => ({ taskId: task.id, position, distillationId })));
  const perDistillation = new Map<number, number>();
  for (const id of ids) perDistillation.set(id, (perDistillation.get(id) ?? 0) + 1);
  for (const [id, n] of perDistillation) {
    await tx
      .update(distillations)
      .set({ reservedCount: sql`${distillations.reservedCount} + ${n}` })
      .where(eq(distillations.id, id));
  }
  return true;
}

/** Decides whether a pending task may run now; throws to make it wait (the account's running-task quota). */
export type Admission = (tx: Tx, task: { id: number; accountId: number }) => Promise<void>;

/** Marks the task running and returns what is left to do. A finished task returns no open positions. */
export async function startTask(db: Db, taskId: number, admit?: Admission): Promise<TaskPlan> {
  const planned = await db.transaction(async (tx) => {
    const task = await lockTask(tx, taskId);
    const base = { taskId, concurrency: task.concurrency, timeoutAt: task.timeoutAt?.getTime() ?? null };
    if (isTerminal(task.status)) return { ...base, status: task.status, openPositions: [], counters: countersOf(task) };
    if (task.status === 'pending') await admit?.(tx, task);
    const [anyItem] = await tx.select({ p: taskItems.position }).from(taskItems).where(eq(taskItems.taskId, taskId)).limit(1);
    if (!anyItem && !(await planItems(tx, task))) return null;
    if (task.status === 'pending') {
      await tx
        .update(generationTasks)
        .set({ status: 'running', startedAt: sql`now()`, updatedAt: sql`now()` })
        .where(eq(generationTasks.id, taskId));
      await appendTaskEvent(tx, { accountId: task.accountId, taskId, type: 'task.started', data: { requestedCount: task.requestedCount } });
    }
    const open = await tx
      .select({ position: taskItems.position })
      .from(taskItems)
      .where(and(eq(taskItems.taskId, taskId), eq(taskItems.state, 'reserved')))
      .orderBy(asc(taskItems.position));
    const counters = await refreshTaskCounters(tx, taskId);
    return { ...base, status: 'running' as const, openPositions: open.map((o) => o.position), counters };
  });
  if (planned) return planned;
  const summary = await finishTask(db, taskId, { status: 'failed', reason: MISSING_DISTILLATIONS_MESSAGE });
  return { taskId, concurrency: 1, status: summary.status, openPositions: [], counters: countersOf(summary), timeoutAt: null };
}

/** Records an article's final failure or skip and gives its reservation back, exactly once. */
export async function markItem(db: Db, taskId: number, position: number, state: 'failed' | 'skipped', error: string) {
  const moved = await db.transaction(async (tx) => {
    const task = await lockTask(tx, taskId);
    const moved = await releaseReservedItems(tx, taskId, state, { position, error });
    if (moved === 0) return false;
    const counters = await refreshTaskCounters(tx, taskId);
    await appendTaskEvent(tx, {
      accountId: task.accountId,
      taskId,
      type: state === 'failed' ? 'article.failed' : 'article.skipped',
      data: { position, error, ...counters },
    });
    await appendProgressMilestone(tx, { accountId: task.accountId, taskId, before: task.progress, counters: { ...counters } });
    return true;
  });
  // Counted once committed, and only by the call that moved the item (a retried mark moves nothing).
  if (moved) articlesFailed.inc({ state });
  return moved;
}

function summarizeErrors(rows: { state: string; error: string | null }[], requested: number) {
  const failed = rows.filter((r) => r.state === 'failed' || r.state === 'skipped');
  if (failed.length === 0) return null;
  const byError = new Map<string, number>();
  for (const r of failed) {
    const key = `${r.state}: ${r.error ?? 'no reason recorded'}`;
    byError.set(key, (byError.get(key) ?? 0) + 1);
  }
  const parts = [...byError].map(([e, n]) => `${n}x ${e}`);
  return `${failed.length} of ${requested} articles not written: ${parts.join('; ')}`;
}

/** What a task ends as, decided from its counters and items once its reservations are released. */
export type FinalOutcome = (counters: TaskCounters, items: { state: string; error: string | null }[]) => {
  status: TaskStatus;
  errorMessage: string | null;
};

/**
 * Ends a task that is not finished yet: releases what is still reserved, derives the counters, sets the
 * status `decide` picks and appends the final event, all under the task's row lock. `finishedNow` is
 * false when the task was already finished; it is then returned as it is.
 */
export async function finishOpenTask(db: Db, taskId: number, decide: FinalOutcome): Promise<{ summary: TaskSummary; finishedNow: boolean }> {
  const finished = await db.transaction(async (tx) => {
    const task = await lockTask(tx, taskId);
    if (isTerminal(task.status)) {
      const { status, requestedCount, generatedCount, failedCount, skippedCount, errorMessage } = task;
      return { summary: { taskId, status, requestedCount, generatedCount, failedCount, skippedCount, errorMessage }, finishedNow: false };
    }
    await releaseReservedItems(tx, taskId, 'released');
    const counters = await refreshTaskCounters(tx, taskId);
    const items = await tx.select({ state: taskItems.state, error: taskItems.error }).from(taskItems).where(eq(taskItems.taskId, taskId));
    const { status, errorMessage } = decide(counters, items);
    await tx
      .update(generationTasks)
      .set({ status, errorMessage, completedAt: sql`now()`, updatedAt: sql`now()` })
      .where(eq(generationTasks.id, taskId));
    await appendReviewNeeded(tx, task.accountId, taskId);
    await appendTaskEvent(tx, { accountId: task.accountId, taskId, type: `task.${status}` as 'task.completed', data: { ...counters, errorMessage } });
    await enqueueTaskWebhooks(tx, task, status, { ...counters, errorMessage });
    return { summary: { taskId, status, ...counters, errorMessage }, finishedNow: true };
  });
  if (finished.finishedNow) tasksFinished.inc({ status: finished.summary.status });
  return finished;
}

/** The webhook events of a task's end, in its final transaction: task.<status>, and review.needed when articles await review. */
async function enqueueTaskWebhooks(tx: Tx, task: { id: number; accountId: number; autoApprove: boolean }, status: TaskStatus, data: TaskEventData<FinalEventType>) {
  if (status === 'completed' || status === 'failed' || status === 'canceled' || status === 'timeout') {
    await enqueueWebhookEvent(tx, task.accountId, `task.${status}` as 'task.completed', { taskId: task.id, status: status as 'completed', ...data });
  }
  if (task.autoApprove) return;
  const [pending] = await tx
    .select({ n: sql<number>`count(*)::int` })
    .from(articles)
    .where(and(eq(articles.taskId, task.id), eq(articles.reviewStatus, 'pending_review')));
  if (pending!.n > 0) await enqueueWebhookEvent(tx, task.accountId, 'review.needed', { taskId: task.id, pendingReviewCount: pending!.n });
}

/**
 * Ends a task: completed when at least one article was saved (the seed's partial success), failed when
 * none was (with the errors summarized), or the given outcome. Idempotent: a finished task is returned
 * as it is.
 */
export async function finishTask(
  db: Db,
  taskId: number,
  outcome?: { status: 'canceled' | 'timeout' | 'failed'; reason?: string },
): Promise<TaskSummary> {
  const { summary } = await finishOpenTask(db, taskId, (counters, items) => ({
    status: outcome?.status ?? (counters.generatedCount > 0 ? 'completed' : 'failed'),
    errorMessage: outcome?.reason ?? summarizeErrors(items, counters.requestedCount),
  }));
  return summary;
}
