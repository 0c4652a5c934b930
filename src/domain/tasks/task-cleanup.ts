import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { intArray } from '../../db/sql-int-array.js';

export interface CleanupOptions {
  /** Finished at least this long ago (completed_at, or updated_at when a task never recorded one). */
  olderThanSeconds: number;
  /** Default true in the API: count what would go, delete nothing. */
  dryRun: boolean;
  /** Also delete the tasks' articles; otherwise they stay with task_id null. */
  withArticles: boolean;
}

export interface CleanupResult {
  dryRun: boolean;
  tasks: number;
  items: number;
  events: number;
  /** Articles deleted (withArticles). */
  articles: number;
  /** Articles kept, now without a task. */
  detachedArticles: number;
  taskIds: number[];
}

/**
 * Deletes an account's finished tasks older than the given age with their items and events, in one
 * transaction. Usage rows stay: usage_count counts them (invariant 1), so a distillation's history of
 * use survives its tasks. Articles stay too (their task_id becomes null) unless `withArticles`.
 */
export async function cleanupTasks(db: Db, accountId: number, opts: CleanupOptions): Promise<CleanupResult> {
  return db.transaction(async (tx) => {
    // Locked: a retry of one of these tasks waits, then finds it gone.
    const tasks = await tx.execute<{ id: number }>(sql`
      SELECT id FROM generation_tasks
      WHERE account_id = ${accountId} AND status IN ('completed','failed','canceled','timeout')
        AND COALESCE(completed_at, updated_at) < now() - make_interval(secs => ${opts.olderThanSeconds})
      ORDER BY id FOR UPDATE`);
    const taskIds = tasks.map((t) => t.id);
    const ids = intArray(taskIds);
    const empty = { dryRun: opts.dryRun, tasks: 0, items: 0, events: 0, articles: 0, detachedArticles: 0, taskIds };
    if (taskIds.length === 0) return empty;
    const [counts] = await tx.execute<{ items: number; events: number; articles: number }>(sql`
      SELECT (SELECT count(*)::int FROM task_items WHERE task_id = ANY(${ids})) AS items,
             (SELECT count(*)::int FROM task_events WHERE account_id = ${accountId} AND task_id = ANY(${ids})) AS events,
             (SELECT count(*)::int FROM articles WHERE account_id = ${accountId} AND task_id = ANY(${ids})) AS articles`);
    const result = {
      ...empty,
      tasks: taskIds.length,
      items: counts!.items,
      events: counts!.events,
      articles: opts.withArticles ? counts!.articles : 0,
      detachedArticles: opts.withArticles ? 0 : counts!.articles,
    };
    if (opts.dryRun) return result;
    await tx.execute(sql`DELETE FROM task_events WHERE account_id = ${accountId} AND task_id = ANY(${ids})`);
    if (opts.withArticles) await tx.execute(sql`DELETE FROM articles WHERE account_id = ${accountId} AND task_id = ANY(${ids})`);
    await tx.execute(sql`DELETE FROM task_items WHERE task_id = ANY(${ids})`);
    await tx.execute(sql`DELETE FROM generation_tasks WHERE account_id = ${accountId} AND id = ANY(${ids})`);
    return result;
  });
}
