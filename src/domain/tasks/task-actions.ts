import type { TaskStatus } from '../../db/schema.js';
import { conflict, type AppError } from '../errors.js';
import { isTerminal } from './task-lifecycle.js';

/**
 * Why the task cannot be canceled now, or null when it can: the one rule behind the cancel route and
 * the console's cancel button.
 */
export function cancelRefusal(task: { id: number; status: TaskStatus }): AppError | null {
  if (!isTerminal(task.status)) return null;
  return conflict('TASK_ALREADY_FINISHED', `Task ${task.id} is already ${task.status}; only pending or running tasks can be canceled.`, { status: task.status });
}

/**
 * Why the task cannot be retried now, or null when it can: the one rule behind the retry route and
 * the console's retry button. `openItems`: positions without a saved article.
 */
export function retryRefusal(task: { id: number; status: TaskStatus; retryCount: number; maxRetries: number }, openItems: number): AppError | null {
  if (!isTerminal(task.status)) {
    return conflict('TASK_NOT_FINISHED', `Task ${task.id} is ${task.status}; only a finished task can be retried.`, { status: task.status });
  }
  if (openItems === 0) return conflict('NOTHING_TO_RETRY', `Every article of task ${task.id} was written; there is nothing to retry.`);
  if (task.retryCount >= task.maxRetries) {
    return conflict('RETRY_LIMIT_REACHED', `Task ${task.id} was retried ${task.retryCount} times, its limit (maxRetries ${task.maxRetries}).`, {
      retryCount: task.retryCount,
      maxRetries: task.maxRetries,
    });
  }
  return null;
}

type TaskRow = { id: number; status: TaskStatus; retryCount: number; maxRetries: number; requestedCount: number; generatedCount: number };

export const canCancelTask = (task: { id: number; status: TaskStatus }) => cancelRefusal(task) === null;

/** From the task row alone: one item per requested article, and generated_count counts the saved ones (invariant 4). */
export const canRetryTask = (task: TaskRow) => retryRefusal(task, task.requestedCount - task.generatedCount) === null;
