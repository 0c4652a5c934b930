import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.js';
import { taskEvents } from '../db/schema.js';

/** Channel of the NOTIFY sent with every event; payload `{ id, taskId, accountId }`. */
export const TASK_EVENTS_CHANNEL = 'task_events';

export type TaskEventType =
  | 'task.started'
  | 'task.progress'
  | 'article.saved'
  | 'article.failed'
  | 'article.skipped'
  | 'task.completed'
  | 'task.failed'
  | 'task.canceled'
  | 'task.timeout';

/**
 * Appends an event in the caller's transaction. The NOTIFY is delivered on commit, so a listener never
 * sees an event whose data was rolled back.
 */
export async function appendTaskEvent(
  tx: DbOrTx,
  e: { accountId: number; taskId: number; type: TaskEventType; data: Record<string, unknown> },
) {
  const [row] = await tx.insert(taskEvents).values(e).returning({ id: taskEvents.id });
  const payload = JSON.stringify({ id: row!.id, taskId: e.taskId, accountId: e.accountId });
  await tx.execute(sql`SELECT pg_notify(${TASK_EVENTS_CHANNEL}, ${payload})`);
  return row!.id;
}
