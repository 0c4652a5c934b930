import { and, asc, desc, eq, gt, isNotNull, isNull, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { generationTasks, notificationTypeList, taskEvents } from '../../db/schema.js';
import { notifiedTypeCondition } from './notification-settings.js';
import { notFound } from '../errors.js';

const eventColumns = {
  id: taskEvents.id,
  // Read by task (task_id = ...): never null here; only notifications have rows of a distillation run.
  taskId: sql<number>`${taskEvents.taskId}`,
  type: taskEvents.type,
  data: taskEvents.data,
  createdAt: taskEvents.createdAt,
};

export type TaskEventRow = { id: number; taskId: number; type: string; data: Record<string, unknown>; createdAt: Date };

/** 404 unless the task exists and belongs to the account. */
export async function assertTaskOfAccount(db: DbOrTx, accountId: number, taskId: number) {
  const [task] = await db
    .select({ id: generationTasks.id })
    .from(generationTasks)
    .where(and(eq(generationTasks.id, taskId), eq(generationTasks.accountId, accountId)));
  if (!task) throw notFound('task', taskId);
}

/** The task's events with id > afterId, oldest first. */
export async function listTaskEventsAfter(db: DbOrTx, accountId: number, taskId: number, afterId: number, limit: number): Promise<TaskEventRow[]> {
  return db
    .select(eventColumns)
    .from(taskEvents)
    .where(and(eq(taskEvents.accountId, accountId), eq(taskEvents.taskId, taskId), gt(taskEvents.id, afterId)))
    .orderBy(asc(taskEvents.id))
    .limit(limit);
}

export async function latestTaskEvent(db: DbOrTx, accountId: number, taskId: number): Promise<TaskEventRow | undefined> {
  const [row] = await db
    .select(eventColumns)
    .from(taskEvents)
    .where(and(eq(taskEvents.accountId, accountId), eq(taskEvents.taskId, taskId)))
    .orderBy(desc(taskEvents.id))
    .limit(1);
  return row;
}

const articlesText = (n: unknown) => `${String(n ?? '?')} article${n === 1 ? '' : 's'}`;

/**
 * The progress the event recorded, not the milestone it crossed: two articles saved at once move a
 * 2-article task from 50 to 100 %, crossing 75. Articles that failed or were skipped count as handled.
 */
function progressTitle(taskId: number, data: Record<string, unknown>) {
  const n = (v: unknown) => (typeof v === 'number' ? v : 0);
  const percent = String(data.progress ?? data.milestone ?? '?');
  const [written, failed, skipped] = [n(data.generatedCount), n(data.failedCount), n(data.skippedCount)];
  if (failed + skipped === 0) return `Task ${taskId} is ${percent}% done: ${written} of ${articlesText(data.requestedCount)} written`;
  const parts = [`${written} written`, failed > 0 ? `${failed} failed` : '', skipped > 0 ? `${skipped} skipped` : ''].filter(Boolean);
  return `Task ${taskId} is ${percent}% done: ${written + failed + skipped} of ${articlesText(data.requestedCount)} handled (${parts.join(', ')})`;
}

const plural = (n: unknown, word: string) => `${String(n ?? '?')} ${word}${n === 1 ? '' : 's'}`;

/** e.g. "Distillation run 7 completed: 2 of 3 keywords done, 1 failed; 6 questions added". */
export function runNotificationTitle(runId: number, data: Record<string, unknown>): string {
  const verb = data.status === 'canceled' ? 'was canceled' : String(data.status ?? 'finished');
  const n = (v: unknown) => (typeof v === 'number' ? v : 0);
  const keywords = [`${String(data.doneCount ?? '?')} of ${plural(data.keywordCount, 'keyword')} done`, n(data.failedCount) > 0 ? `${n(data.failedCount)} failed` : '', n(data.canceledCount) > 0 ? `${n(data.canceledCount)} canceled` : ''];
  const questions = [`${plural(data.questionsAdded, 'question')} added`, n(data.questionsPendingReview) > 0 ? `${n(data.questionsPendingReview)} waiting for review` : ''];
  return `Distillation run ${runId} ${verb}: ${keywords.filter(Boolean).join(', ')}; ${questions.filter(Boolean).join(', ')}`;
}

/** A short sentence for the notification list, e.g. "Task 12 completed: 5 of 5 articles". */
export function notificationTitle(taskId: number, type: string, data: Record<string, unknown>): string {
  const of = `${String(data.generatedCount ?? '?')} of ${articlesText(data.requestedCount)}`;
  switch (type) {
    case 'task.started':
      return `Task ${taskId} started: ${articlesText(data.requestedCount)}`;
    case 'task.progress':
      return progressTitle(taskId, data);
    case 'task.completed':
      return `Task ${taskId} completed: ${of}`;
    case 'task.failed':
      return `Task ${taskId} failed: ${of}`;
    case 'task.canceled':
      return `Task ${taskId} was canceled: ${of}`;
    case 'task.timeout':
      return `Task ${taskId} timed out: ${of}`;
    case 'review.needed':
      return `Task ${taskId} left ${articlesText(data.pendingReview)} for review`;
    default:
      return `Task ${taskId}: ${type}`;
  }
}

const notificationColumns = { ...eventColumns, taskId: taskEvents.taskId, runId: taskEvents.runId, readAt: taskEvents.readAt };
type NotificationRow = Omit<TaskEventRow, 'taskId'> & { taskId: number | null; runId: number | null; readAt: Date | null };
/** A task's notification has its taskId, a distillation run's (distillation.finished) its runId; the other is null. */
const toNotification = (r: NotificationRow) => ({
  id: r.id,
  taskId: r.taskId,
  runId: r.runId,
  type: r.type,
  title: r.runId !== null ? runNotificationTitle(r.runId, r.data) : notificationTitle(r.taskId ?? 0, r.type, r.data),
  data: r.data,
  createdAt: r.createdAt,
  readAt: r.readAt,
});
export type Notification = ReturnType<typeof toNotification>;

/** The types as literals, not parameters: the planner can then use the partial notifications index. */
const ofAccount = (accountId: number) =>
  and(eq(taskEvents.accountId, accountId), sql`${taskEvents.type} IN ${notificationTypeList}`, notifiedTypeCondition(taskEvents.type, accountId));

/** Newest first; `total` counts what the filter matches, `unreadCount` all unread ones. */
export async function listNotifications(db: DbOrTx, accountId: number, opts: { unread?: boolean; page: number; pageSize: number }) {
  const readFilter = opts.unread === undefined ? undefined : opts.unread ? isNull(taskEvents.readAt) : isNotNull(taskEvents.readAt);
  const where = and(ofAccount(accountId), readFilter);
  const [rows, [counts]] = await Promise.all([
    db
      .select(notificationColumns)
      .from(taskEvents)
      .where(where)
      .orderBy(desc(taskEvents.id))
      .limit(opts.pageSize)
      .offset((opts.page - 1) * opts.pageSize),
    db
      .select({
        total: readFilter ? sql<number>`count(*) FILTER (WHERE ${readFilter})::int` : sql<number>`count(*)::int`,
        unreadCount: sql<number>`count(*) FILTER (WHERE ${taskEvents.readAt} IS NULL)::int`,
      })
      .from(taskEvents)
      .where(ofAccount(accountId)),
  ]);
  return {
    items: rows.map(toNotification),
    page: opts.page,
    pageSize: opts.pageSize,
    total: counts?.total ?? 0,
    unreadCount: counts?.unreadCount ?? 0,
  };
}

/** The badge shows at most this many; beyond it "99+", so the count never reads more index entries. */
export const UNREAD_BADGE_CAP = 100;

/**
 * The unread notifications of the account, counted up to `cap`: the console's badge on every page. The
 * partial index on unread notifications holds only unread rows, so this reads at most `cap` entries
 * however many tasks and read notifications the account has.
 */
export async function countUnreadNotifications(db: DbOrTx, accountId: number, cap = UNREAD_BADGE_CAP): Promise<number> {
  const unread = db
    .select({ one: sql`1` })
    .from(taskEvents)
    .where(and(ofAccount(accountId), isNull(taskEvents.readAt)))
    .limit(cap)
    .as('unread');
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(unread);
  return row?.n ?? 0;
}

/** Marks one notification read; a second call keeps the first readAt. 404 for anything else. */
export async function markNotificationRead(db: DbOrTx, accountId: number, id: number): Promise<Notification> {
  const [row] = await db
    .update(taskEvents)
    .set({ readAt: sql`coalesce(${taskEvents.readAt}, now())` })
    .where(and(eq(taskEvents.id, id), ofAccount(accountId)))
    .returning(notificationColumns);
  if (!row) throw notFound('notification', id);
  return toNotification(row);
}

/**
 * Marks every unread notification of the account read, the kinds it does not show too (so turning a kind on
 * later does not bring back old unread ones); returns how many of the shown ones changed.
 */
export async function markAllNotificationsRead(db: DbOrTx, accountId: number): Promise<number> {
  const rows = await db
    .update(taskEvents)
    .set({ readAt: sql`now()` })
    .where(and(eq(taskEvents.accountId, accountId), sql`${taskEvents.type} IN ${notificationTypeList}`, isNull(taskEvents.readAt)))
    .returning({ shown: notifiedTypeCondition(taskEvents.type, accountId).mapWith(Boolean) });
  return rows.filter((r) => r.shown).length;
}
