import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';

import type { TaskCounters } from '../../shared/task-shapes.js';

export type { TaskCounters };

/** What the counter updates return. */
type CounterRow = {
  requested_count: number;
  generated_count: number;
  failed_count: number;
  skipped_count: number;
  progress: number;
};

const toCounters = (r: CounterRow): TaskCounters => ({
  requestedCount: r.requested_count,
  generatedCount: r.generated_count,
  failedCount: r.failed_count,
  skippedCount: r.skipped_count,
  progress: r.progress,
});

/**
 * Recomputes a task's counters and progress from its items, in the caller's transaction. Deriving them
 * (at most 100 rows) instead of incrementing keeps them right after any replay, reset or repair.
 */
export async function refreshTaskCounters(tx: DbOrTx, taskId: number): Promise<TaskCounters> {
  const rows = await tx.execute<CounterRow>(sql`
    UPDATE generation_tasks t SET
      generated_count = c.saved,
      failed_count = c.failed,
      skipped_count = c.skipped,
      progress = LEAST(100, (100 * (c.saved + c.failed + c.skipped)) / GREATEST(t.requested_count, 1)),
      updated_at = now()
    FROM (
      SELECT count(*) FILTER (WHERE state = 'saved')::int AS saved,
             count(*) FILTER (WHERE state = 'failed')::int AS failed,
             count(*) FILTER (WHERE state = 'skipped')::int AS skipped
      FROM task_items WHERE task_id = ${taskId}
    ) c
    WHERE t.id = ${taskId}
    RETURNING t.requested_count, t.generated_count, t.failed_count, t.skipped_count, t.progress`);
  return toCounters(rows[0]!);
}

/**
 * Moves the task's items still in state reserved to `state` and gives their reservations back, in one
 * statement: only rows that really were reserved are counted, so a second call releases nothing.
 */
export async function releaseReservedItems(
  tx: DbOrTx,
  taskId: number,
  state: 'released' | 'failed' | 'skipped',
  opts: { position?: number; error?: string | null } = {},
): Promise<number> {
  const positionFilter = opts.position === undefined ? sql`` : sql`AND position = ${opts.position}`;
  const rows = await tx.execute<{ n: number }>(sql`
    WITH moved AS (
      UPDATE task_items SET state = ${state}, error = COALESCE(${opts.error ?? null}, error), updated_at = now()
      WHERE task_id = ${taskId} AND state = 'reserved' ${positionFilter}
      RETURNING distillation_id
    ), per_distillation AS (
      SELECT distillation_id, count(*)::int AS n FROM moved GROUP BY distillation_id
    ), updated AS (
      UPDATE distillations d SET reserved_count = d.reserved_count - p.n, updated_at = now()
      FROM per_distillation p WHERE d.id = p.distillation_id
      RETURNING p.n
    )
    SELECT COALESCE(sum(n), 0)::int AS n FROM updated`);
  return rows[0]?.n ?? 0;
}

