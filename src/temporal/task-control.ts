import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Db } from '../db/client.js';
import { finishTask } from '../domain/task-lifecycle.js';
import { taskWorkflowId } from '../domain/workflow-id.js';
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

/** The workflow's live `progress` query, or null when the workflow is gone or not answering. */
export async function queryTaskProgress(client: Client, taskId: number): Promise<TaskProgress | null> {
  try {
    return await client.workflow.getHandle(taskWorkflowId(taskId)).query<TaskProgress>(PROGRESS_QUERY_NAME);
  } catch {
    return null;
  }
}
