import { isGrpcDeadlineError, WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { DbOrTx } from '../db/client.js';
import { accountFairnessWeight } from '../domain/accounts/index.js';
import { taskSummaryFacts } from '../domain/tasks/task-queries.js';
import { taskWorkflowId } from '../domain/tasks/workflow-id.js';
import { ACCOUNT_ID, PRIORITY, TASK_ID, TASK_STATUS } from '../shared/search-attributes.js';
import { WORKFLOW_TYPES, type ArticleGenerationWorkflow } from '../workflows/contracts.js';
import { taskWorkflowMetadata, type TaskSummaryFacts } from './task-workflow-summary.js';

/**
 * Task priority 1-10 (bigger is more urgent, as in seed 002) onto Temporal's priority key, where 1 is
 * served first and 5 last (the server's default five levels): 10-9 -> 1, 8-7 -> 2, ... 2-1 -> 5.
 */
export const priorityKeyFor = (priority: number) => 6 - Math.ceil(Math.min(10, Math.max(1, priority)) / 2);

export interface WorkflowStartTarget {
  client: Client;
  taskQueue: string;
  /** How long a start may wait for Temporal before it counts as failed; default 5 s. */
  startTimeoutMs?: number | undefined;
}

/** What a start needs of the task; fairnessWeight is the account's plan weight (default 1); summary: what the Temporal UI shows of it. */
export interface TaskToStart {
  id: number;
  accountId: number;
  priority: number;
  createdAt?: Date;
  fairnessWeight?: number;
  summary?: TaskSummaryFacts | null;
}

/**
 * The task with what its start reads from the database besides the row: its account's fairness weight and
 * the facts of its workflow summary. Every starter (the API, the console, the resume after a restart, a
 * schedule's run) goes through here, so every run of a task reads the same in the Temporal UI.
 */
export async function withStartFacts<T extends TaskToStart>(db: DbOrTx, task: T): Promise<T> {
  const [fairnessWeight, summary] = await Promise.all([accountFairnessWeight(db, task.accountId), taskSummaryFacts(db, task.id)]);
  return { ...task, fairnessWeight, summary };
}

const DEFAULT_WORKFLOW_START_TIMEOUT_MS = 5_000;

/** A start that got no answer from Temporal within the deadline. */
export class WorkflowStartTimeoutError extends Error {
  override readonly name = 'WorkflowStartTimeoutError';
}

/**
 * Starts the task's workflow, id `article-task-<id>`. Its priority carries the account as fairness key
 * (weight from the account's plan), and its activities inherit it: on a backlogged LLM queue the server
 * dispatches accounts in turn by weight, so one account's thousand tasks do not starve another's one.
 * Starting one that already runs is not an error: the resume-after-restart path and a retried API call
 * both land here.
 */
export async function startTaskWorkflow(target: WorkflowStartTarget, task: TaskToStart) {
  const timeoutMs = target.startTimeoutMs ?? DEFAULT_WORKFLOW_START_TIMEOUT_MS;
  // A start that lands after the deadline is harmless: its workflow finds the task finished and ends.
  try {
    return await target.client.withDeadline(Date.now() + timeoutMs, () => start(target, task));
  } catch (err) {
    if (isGrpcDeadlineError(err)) throw new WorkflowStartTimeoutError(`Temporal did not answer within ${timeoutMs} ms`, { cause: err });
    throw err;
  }
}

async function start({ client, taskQueue }: WorkflowStartTarget, task: TaskToStart) {
  const workflowId = taskWorkflowId(task.id);
  try {
    await client.workflow.start<ArticleGenerationWorkflow>(WORKFLOW_TYPES.articleGeneration, {
      taskQueue,
      workflowId,
      args: [{ taskId: task.id }],
      // User metadata: encrypted like the args, and no part of the history the workflow code reads.
      ...(task.summary ? taskWorkflowMetadata(task, task.summary) : {}),
      priority: { priorityKey: priorityKeyFor(task.priority), fairnessKey: String(task.accountId), fairnessWeight: task.fairnessWeight ?? 1 },
      typedSearchAttributes: [
        { key: TASK_ID, value: task.id },
        { key: ACCOUNT_ID, value: task.accountId },
        { key: TASK_STATUS, value: 'pending' },
        { key: PRIORITY, value: task.priority },
      ],
    });
    return { workflowId, started: true };
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    // Running already: fine when it is this task's run (a retried call). A run older than the task
    // belongs to another database using the same Temporal namespace: never adopt it silently.
    const running = await client.workflow.getHandle(workflowId).describe();
    if (task.createdAt && running.startTime.getTime() < task.createdAt.getTime() - 1_000) {
      throw new Error(
        `workflow id ${workflowId} is already running for something older than task ${task.id}: ` +
          'is another deployment with its own database using this Temporal namespace? Give each deployment its own namespace.',
      );
    }
    return { workflowId, started: false };
  }
}
