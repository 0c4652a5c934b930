import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { checkTaskEventData, type TaskEventData, type TaskEventType } from '../../shared/events/index.js';

/** Channel of the NOTIFY sent with every event; payload `{ id, taskId, accountId }`. */
export const TASK_EVENTS_CHANNEL = 'task_events';

/**
 * Appends an event in the caller's transaction. The NOTIFY is delivered on commit, so a listener never
 * sees an event whose data was rolled back. The data must be what the vocabulary says its type
 * carries (src/shared/events); a mismatch throws before anything is written.
 */
export async function appendTaskEvent<T extends TaskEventType>(
  tx: DbOrTx,
  e: { accountId: number; taskId: number; type: T; data: TaskEventData<T> },
) {
  checkTaskEventData(e.type, e.data);
  // One statement for the row and its NOTIFY: this runs inside every save, so round trips count.
  const rows = await tx.execute<{ id: number }>(sql`
    WITH e AS (
      INSERT INTO task_events (account_id, task_id, type, data)
      VALUES (${e.accountId}, ${e.taskId}, ${e.type}, ${JSON.stringify(e.data)}::jsonb)
      RETURNING id
    )
    SELECT id::int AS id, pg_notify(${TASK_EVENTS_CHANNEL}, json_build_object('id', id, 'taskId', ${e.taskId}::int, 'accountId', ${e.accountId}::int)::text)
    FROM e`);
  return rows[0]!.id;
}

/** Progress milestones that become their own task.progress event (and notification). */
export const PROGRESS_MILESTONES = [25, 50, 75] as const;

/**
 * Appends task.progress when the task's progress crossed a milestone since `before`, in the caller's
 * transaction, so notifications see 25/50/75 % without one event per article.
 */
export async function appendProgressMilestone(
  tx: DbOrTx,
  e: { accountId: number; taskId: number; before: number; counters: Omit<TaskEventData<'task.progress'>, 'milestone'> },
) {
  const crossed = PROGRESS_MILESTONES.filter((m) => e.before < m && e.counters.progress >= m).pop();
  if (crossed === undefined) return;
  await appendTaskEvent(tx, { accountId: e.accountId, taskId: e.taskId, type: 'task.progress', data: { milestone: crossed, ...e.counters } });
}
