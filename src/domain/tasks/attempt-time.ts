import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';

/**
 * Adds an attempt that wrote no saved draft (a provider failure) to its item's time in attempts, so the
 * article, once saved, shows the time of all its attempts and not only the last one.
 */
export async function addAttemptTime(db: DbOrTx, taskId: number, position: number, durationMs: number) {
  await db.execute(sql`
    UPDATE task_items SET attempts_duration_ms = attempts_duration_ms + ${Math.max(0, Math.round(durationMs))}::int
    WHERE task_id = ${taskId} AND position = ${position} AND state = 'reserved'`);
}
