import { and, asc, eq, gt, isNull, notInArray, sql } from 'drizzle-orm';
import type { DbOrTx, Tx } from '../../db/client.js';
import { distillations, generationTasks, taskItems } from '../../db/schema.js';
import { badRequest, notFound } from '../errors.js';
import { lockAccountSelection } from './selection.js';
import { refreshTaskCounters } from './task-counters.js';
import { appendTaskEvent } from './task-events.js';
import { retryRefusal } from './task-actions.js';

export interface Replacement {
  position: number;
  previousDistillationId: number;
  distillationId: number;
  reason: string;
}

async function usableReason(tx: Tx, distillationId: number): Promise<string | null> {
  const [d] = await tx
    .select({ deletedAt: distillations.deletedAt, topicCount: distillations.topicCount })
    .from(distillations)
    .where(eq(distillations.id, distillationId));
  if (!d || d.deletedAt) return `distillation ${distillationId} was deleted`;
  if (d.topicCount === 0) return `distillation ${distillationId} has no topics`;
  return null;
}

/** The least-used usable distillation of the account that the task does not use yet. */
async function pickReplacement(tx: Tx, accountId: number, exclude: number[]) {
  const [row] = await tx
    .select({ id: distillations.id })
    .from(distillations)
    .where(
      and(
        eq(distillations.accountId, accountId),
        isNull(distillations.deletedAt),
        gt(distillations.topicCount, 0),
        exclude.length ? notInArray(distillations.id, exclude) : undefined,
      ),
    )
    .orderBy(sql`(${distillations.usageCount} + ${distillations.reservedCount})`, asc(distillations.createdAt), asc(distillations.id))
    .limit(1);
  return row?.id;
}

/**
 * Prepares a new run of a finished task (seeds 002-004): every position without an article is
 * reserved again; a position whose distillation was deleted or emptied meanwhile gets a replacement
 * picked by the selection rule. The caller starts the workflow after the commit.
 */
export async function prepareTaskRetry(db: DbOrTx, accountId: number, taskId: number) {
  return db.transaction(async (tx) => {
    const [task] = await tx
      .select()
      .from(generationTasks)
      .where(and(eq(generationTasks.id, taskId), eq(generationTasks.accountId, accountId)))
      .for('update');
    if (!task) throw notFound('task', taskId);
    const items = await tx.select().from(taskItems).where(eq(taskItems.taskId, taskId)).orderBy(asc(taskItems.position));
    const open = items.filter((i) => i.state !== 'saved');
    const refusal = retryRefusal(task, open.length);
    if (refusal) throw refusal;

    await lockAccountSelection(tx, accountId);
    const inUse = items.map((i) => i.distillationId);
    const replacements: Replacement[] = [];
    for (const item of open) {
      let distillationId = item.distillationId;
      const reason = await usableReason(tx, distillationId);
      if (reason) {
        const replacement = await pickReplacement(tx, accountId, inUse);
        if (replacement === undefined) {
          throw badRequest(
            'INSUFFICIENT_DISTILLATIONS',
            `Article ${item.position} cannot be retried: ${reason}, and no distillation this task does not already use is left to replace it. Add distillations with topics.`,
            { position: item.position, distillationId },
          );
        }
        replacements.push({ position: item.position, previousDistillationId: distillationId, distillationId: replacement, reason });
        inUse.push(replacement);
        distillationId = replacement;
      }
      await tx
        .update(taskItems)
        .set({ state: 'reserved', distillationId, error: null, attempts: 0, firstAttemptAt: null, attemptsDurationMs: 0, updatedAt: sql`now()` })
        .where(and(eq(taskItems.taskId, taskId), eq(taskItems.position, item.position)));
      await tx
        .update(distillations)
        .set({ reservedCount: sql`${distillations.reservedCount} + 1`, updatedAt: sql`now()` })
        .where(eq(distillations.id, distillationId));
    }

    const selected = [...(task.selectedDistillationIds ?? [])];
    for (const r of replacements) if (selected.length > r.position) selected[r.position] = r.distillationId;
    await tx
      .update(generationTasks)
      .set({
        status: 'pending',
        retryCount: task.retryCount + 1,
        errorMessage: null,
        completedAt: null,
        selectedDistillationIds: task.selectedDistillationIds ? selected : null,
        timeoutAt: task.timeoutSeconds ? sql`now() + make_interval(secs => ${task.timeoutSeconds})` : null,
        updatedAt: sql`now()`,
      })
      .where(eq(generationTasks.id, taskId));
    await refreshTaskCounters(tx, taskId);
    const positions = open.map((i) => i.position);
    await appendTaskEvent(tx, { accountId, taskId, type: 'task.retried', data: { retryCount: task.retryCount + 1, positions, replacements } });
    return { task: { ...task, retryCount: task.retryCount + 1 }, positions, replacements };
  });
}
