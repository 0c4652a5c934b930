import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Db } from '../db/client.js';
import { cancelRefusal } from '../domain/tasks/task-actions.js';
import { finishTask } from '../domain/tasks/task-lifecycle.js';
import { getTaskDetail } from '../domain/tasks/task-queries.js';
import { taskWorkflowId } from '../domain/tasks/workflow-id.js';
import { PROGRESS_QUERY_NAME, type TaskProgress } from '../workflows/progress.js';

/**
 * Asks the task's workflow to cancel; its cleanup keeps saved articles and releases the rest. A task
 * with no workflow (it never started) is finished as canceled directly.
 */
export async function requestTaskCancel(db: Db, client: Client, taskId: number) {
  try {
    await client.workflow.getHandle(taskWorkflowId(taskId)).cancel();
    return 'requested' as const;
  } catch (err) {
    if (!(err instanceof WorkflowNotFoundError)) throw err;
    await finishTask(db, taskId, { status: 'canceled', reason: 'canceled by request before its workflow started' });
    return 'finished' as const;
  }
}

/** Cancels one of the account's tasks (404 when it is not theirs); a finished task is 409 TASK_ALREADY_FINISHED. */
export async function cancelTaskOfAccount(db: Db, client: Client, accountId: number, taskId: number) {
  const task = await getTaskDetail(db, accountId, taskId);
  const refusal = cancelRefusal(task);
  if (refusal) throw refusal;
  return requestTaskCancel(db, client, taskId);
}

/** The workflow's live `progress` query, or null when the workflow is gone or not answering. */
export async function queryTaskProgress(client: Client, taskId: number): Promise<TaskProgress | null> {
  try {
    return await client.workflow.getHandle(taskWorkflowId(taskId)).query<TaskProgress>(PROGRESS_QUERY_NAME);
  } catch {
    return null;
  }
}
