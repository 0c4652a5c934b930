import { and, eq, inArray } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { generationTasks } from '../../db/schema.js';

/** Status and counts of some of an account's tasks (others' ids are left out): what a live list shows. */
export async function taskProgressByIds(db: DbOrTx, accountId: number, ids: number[]) {
  if (ids.length === 0) return [];
  return db
    .select({
      id: generationTasks.id,
      status: generationTasks.status,
      progress: generationTasks.progress,
      requestedCount: generationTasks.requestedCount,
      generatedCount: generationTasks.generatedCount,
      failedCount: generationTasks.failedCount,
      skippedCount: generationTasks.skippedCount,
    })
    .from(generationTasks)
    .where(and(eq(generationTasks.accountId, accountId), inArray(generationTasks.id, ids)));
}
