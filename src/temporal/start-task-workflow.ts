import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { taskWorkflowId } from '../domain/workflow-id.js';
import { ACCOUNT_ID, PRIORITY, TASK_ID, TASK_STATUS } from '../shared/search-attributes.js';
import type { articleGenerationWorkflow } from '../workflows/index.js';

export interface WorkflowStartTarget {
  client: Client;
  taskQueue: string;
}

/**
 * Starts the task's workflow, id `article-task-<id>`. Starting one that already runs is not an error:
 * the resume-after-restart path and a retried API call both land here.
 */
export async function startTaskWorkflow(
  { client, taskQueue }: WorkflowStartTarget,
  task: { id: number; accountId: number; priority: number },
) {
  const workflowId = taskWorkflowId(task.id);
  try {
    await client.workflow.start<typeof articleGenerationWorkflow>('articleGenerationWorkflow', {
      taskQueue,
      workflowId,
      args: [{ taskId: task.id }],
      typedSearchAttributes: [
        { key: TASK_ID, value: task.id },
        { key: ACCOUNT_ID, value: task.accountId },
        { key: TASK_STATUS, value: 'pending' },
        { key: PRIORITY, value: task.priority },
      ],
    });
    return { workflowId, started: true };
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return { workflowId, started: false };
    throw err;
  }
}
