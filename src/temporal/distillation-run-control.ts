import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Db } from '../db/client.js';
import { finishRun } from '../domain/distillations/runs/run-lifecycle.js';
import { getRun } from '../domain/distillations/runs/run-queries.js';
import { conflict } from '../domain/errors.js';
import { distillationRunWorkflowId, TERMINAL_RUN_STATUSES } from '../shared/distillation-runs.js';
import { WORKFLOW_TYPES, type DistillationRunWorkflow } from '../workflows/contracts.js';
import { priorityKeyFor, type WorkflowStartTarget } from './start-task-workflow.js';

const START_TIMEOUT_MS = 5_000;
/** Runs sit at the default task priority, fair between accounts as tasks are. */
const RUN_PRIORITY = 5;

/** Starts the run's workflow (id `distillation-run-<id>`); one already running for it is not an error. */
export async function startDistillationRunWorkflow(target: WorkflowStartTarget, run: { id: number; accountId: number }) {
  const deadline = Date.now() + (target.startTimeoutMs ?? START_TIMEOUT_MS);
  try {
    await target.client.withDeadline(deadline, () =>
      target.client.workflow.start<DistillationRunWorkflow>(WORKFLOW_TYPES.distillationRun, {
        taskQueue: target.taskQueue,
        workflowId: distillationRunWorkflowId(run.id),
        args: [{ runId: run.id }],
        priority: { priorityKey: priorityKeyFor(RUN_PRIORITY), fairnessKey: String(run.accountId) },
      }),
    );
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
  }
}

/**
 * Cancels one of the account's runs (404 when not theirs, 409 RUN_ALREADY_FINISHED when over): its
 * workflow ends the unfinished keywords canceled. A run whose workflow is gone is finished here.
 */
export async function cancelDistillationRun(db: Db, client: Client, accountId: number, runId: number) {
  const run = await getRun(db, accountId, runId);
  if (TERMINAL_RUN_STATUSES.includes(run.status)) {
    throw conflict('RUN_ALREADY_FINISHED', `Distillation run ${runId} has already ended (${run.status}).`, { runId, status: run.status });
  }
  try {
    await client.workflow.getHandle(distillationRunWorkflowId(runId)).cancel();
    return 'cancel_requested' as const;
  } catch (err) {
    if (!(err instanceof WorkflowNotFoundError)) throw err;
    await finishRun(db, runId, 'canceled');
    return 'canceled' as const;
  }
}
