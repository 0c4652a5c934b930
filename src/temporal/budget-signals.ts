import type { Client } from '@temporalio/client';
import type { Db } from '../db/client.js';
import { tasksWaitingOnBudget } from '../domain/costs/index.js';
import { taskWorkflowId } from '../domain/tasks/workflow-id.js';
import type { Logger } from '../logger.js';
import { BUDGET_CHANGED_SIGNAL } from '../workflows/contracts.js';

/**
 * Tells the account's running and paused tasks that its budget changed, so a paused one asks its gate again now
 * instead of at the period's roll-over. Best effort per task: a workflow that is gone or unreachable keeps its
 * roll-over timer (and a task not waiting ignores the signal). Returns how many were signaled.
 */
export async function signalBudgetChanged(db: Db, client: Client, accountId: number, log: Logger) {
  let signaled = 0;
  for (const taskId of await tasksWaitingOnBudget(db, accountId)) {
    try {
      await client.workflow.getHandle(taskWorkflowId(taskId)).signal(BUDGET_CHANGED_SIGNAL);
      signaled++;
    } catch (err) {
      log.warn({ taskId, err: (err as Error).name }, 'budget change not signaled to the task; it resumes at the roll-over');
    }
  }
  return signaled;
}
