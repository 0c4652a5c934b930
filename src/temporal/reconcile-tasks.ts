import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { and, eq, inArray, isNotNull, lt, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { generationTasks, UNFINISHED_TASK_STATUSES } from '../db/schema.js';
import { finishTaskClosedOutside } from '../domain/tasks/task-closed-outside.js';
import type { Logger } from '../logger.js';

/**
 * Finds tasks whose row is not finished but whose workflow is closed (terminated or reset away in the
 * Temporal UI, timed out by the server) and finishes them, keeping their articles and releasing their
 * reservations, with a message that says so (finishTaskClosedOutside). Tasks touched within `minIdleMs`
 * are left alone: a retry is between commit and start.
 */
export async function reconcileClosedWorkflows(
  db: Db,
  client: Client,
  log: Logger,
  { minIdleMs = 15_000, accountId }: { minIdleMs?: number; accountId?: number } = {},
) {
  const candidates = await db
    .select({ id: generationTasks.id, workflowId: generationTasks.workflowId })
    .from(generationTasks)
    .where(
      and(
        inArray(generationTasks.status, [...UNFINISHED_TASK_STATUSES]),
        isNotNull(generationTasks.workflowId),
        lt(generationTasks.updatedAt, sql`now() - make_interval(secs => ${minIdleMs / 1000})`),
        accountId === undefined ? undefined : eq(generationTasks.accountId, accountId),
      ),
    );
  const finished: { taskId: number; workflowStatus: string; status: string }[] = [];
  for (const task of candidates) {
    let status: string;
    try {
      status = (await client.workflow.getHandle(task.workflowId!).describe()).status.name;
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) continue; // no workflow yet: resume-on-start's case
      throw err;
    }
    if (status === 'RUNNING') continue;
    // The row is checked again under its lock: a workflow that just finished its own task is not news.
    const summary = await finishTaskClosedOutside(db, task.id, status);
    if (!summary) continue;
    log.warn({ taskId: task.id, workflowStatus: status, status: summary.status }, 'finished a task whose workflow was closed from outside');
    finished.push({ taskId: task.id, workflowStatus: status, status: summary.status });
  }
  return finished;
}
