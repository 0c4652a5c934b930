import type { DistillationRunInput } from '../domain/distillations/runs/run-input.js';
import { abandonRun } from '../domain/distillations/runs/run-lifecycle.js';
import { createDistillationRun } from '../domain/distillations/runs/run-requests.js';
import { AppError } from '../domain/errors.js';
import { refuseOverBudget, type BudgetDefaults } from '../domain/costs/index.js';
import type { ApiDeps } from '../http/deps.js';
import { startDistillationRunWorkflow } from '../temporal/distillation-run-control.js';

/**
 * Records a run (within the daily keyword quota and, given `budget`, refused with 429 BUDGET_EXCEEDED over it) and starts its workflow, for the API, the console and
 * the CLI (through the API). When Temporal is down the run is failed at once: 503 WORKFLOW_START_FAILED.
 */
export function distillationRunStarter({ db, temporal, log }: Pick<ApiDeps, 'db' | 'temporal' | 'log'>) {
  return async (accountId: number, input: DistillationRunInput, maxKeywordsPerDay: number | null, budget?: BudgetDefaults) => {
    const runId = await db.transaction(async (tx) => {
      if (budget) await refuseOverBudget(tx, accountId, budget, 'distillation runs');
      return createDistillationRun(tx, accountId, input, maxKeywordsPerDay);
    });
    try {
      await startDistillationRunWorkflow(temporal, { id: runId, accountId });
    } catch (err) {
      log.error({ err, runId }, 'distillation run workflow start failed');
      await abandonRun(db, runId, `the workflow could not be started: ${(err as Error).message}`);
      throw new AppError(503, 'WORKFLOW_START_FAILED', 'Temporal is unavailable, so the run could not start. Try again shortly.', { runId });
    }
    return runId;
  };
}
