import type { Tx } from '../db/client.js';
import { AppError } from '../domain/errors.js';
import { forgetIdempotencyKey, pendingTask, runIdempotent, type IdempotencyScope, type RecordedResponse } from '../domain/limits/idempotency.js';
import { finishTask } from '../domain/tasks/task-lifecycle.js';
import { startTaskWorkflow, withStartFacts } from '../temporal/start-task-workflow.js';
import type { ApiDeps } from '../http/deps.js';

/**
 * Creates or retries a task and starts its workflow, for the API and the console alike. The work runs
 * in one transaction (with its Idempotency-Key when there is one); then the task's workflow starts when
 * the task is still pending: a replay whose first request died before the start starts it now. When
 * Temporal is down the task is failed and releases everything: 503 WORKFLOW_START_FAILED.
 */
export function taskStarter({ db, temporal, log }: Pick<ApiDeps, 'db' | 'temporal' | 'log'>) {
  async function startOrRelease(task: { id: number; accountId: number; priority: number }, scope?: IdempotencyScope) {
    try {
      await startTaskWorkflow(temporal, await withStartFacts(db, task));
    } catch (err) {
      log.error({ err, taskId: task.id }, 'workflow start failed; releasing the reservations');
      const reason = `the workflow could not be started: ${(err as Error).message}`;
      await finishTask(db, task.id, { status: 'failed', reason });
      if (scope) await forgetIdempotencyKey(db, scope);
      throw new AppError(503, 'WORKFLOW_START_FAILED', 'Temporal is unavailable, so the task could not start; its distillations were released. Try again shortly.', { taskId: task.id });
    }
  }

  return async function recordedThenStarted(scope: IdempotencyScope | undefined, work: (tx: Tx) => Promise<RecordedResponse>) {
    const result = scope ? await runIdempotent(db, scope, work) : { ...(await db.transaction(work)), replayed: false };
    const task = await pendingTask(db, result.resourceId);
    if (task) await startOrRelease(task, scope);
    return result;
  };
}
