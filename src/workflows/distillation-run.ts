import { ActivityFailure, CancellationScope, isCancellation, proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import { forEachBounded } from './bounded.js';
import type { DistillationActivities, DistillationRunInput, DistillationRunSummary } from './contracts.js';
import { requireTrustedInput } from './trusted-input.js';

const DB_RETRY = { initialInterval: '500ms', backoffCoefficient: 2, maximumInterval: '10s' } as const;
const db = proxyActivities<DistillationActivities>({ startToCloseTimeout: '10 seconds', retry: DB_RETRY });
const localDb = proxyLocalActivities<DistillationActivities>({ startToCloseTimeout: '30 seconds', retry: DB_RETRY });

const NON_RETRYABLE = ['LlmRequestRejected'];

const errorOf = (err: unknown) => {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  return (cause instanceof Error ? cause.message : String(cause)) || 'unknown error';
};

/**
 * One distillation run: start, ask the model for each keyword's questions with at most `concurrency`
 * keywords in flight (each a retried activity that keeps its answer itself), mark a keyword whose
 * provider failed every attempt, finish. A cancel ends the run canceled: finished keywords keep their
 * questions, the rest end canceled.
 */
export async function distillationRunWorkflow(input: DistillationRunInput): Promise<DistillationRunSummary> {
  const { runId } = requireTrustedInput(input, 'distillationRunWorkflow');
  const finishCanceled = () => CancellationScope.nonCancellable(() => db.finishDistillationRun({ runId, outcome: 'canceled' }));
  let plan;
  try {
    plan = await db.startDistillationRun({ runId });
  } catch (err) {
    if (isCancellation(err)) await finishCanceled();
    throw err;
  }
  if (plan.status !== 'running') return plan;
  const llm = proxyActivities<DistillationActivities>({
    taskQueue: plan.llmTaskQueue,
    startToCloseTimeout: plan.llmPolicy.timeoutMs + 30_000,
    heartbeatTimeout: plan.llmPolicy.heartbeatTimeoutMs,
    allowEagerDispatch: false,
    retry: {
      initialInterval: plan.llmPolicy.retryInitialMs,
      backoffCoefficient: 2,
      maximumInterval: '60s',
      maximumAttempts: plan.llmPolicy.maxAttempts,
      nonRetryableErrorTypes: NON_RETRYABLE,
    },
  });
  try {
    await forEachBounded(plan.openPositions, plan.concurrency, async (position) => {
      try {
        await llm.distillKeyword({ runId, position });
      } catch (err) {
        if (isCancellation(err)) throw err;
        await localDb.failDistillationKeyword({ runId, position, error: errorOf(err) });
      }
    });
  } catch (err) {
    if (!isCancellation(err)) throw err;
    await finishCanceled();
    throw err;
  }
  return CancellationScope.nonCancellable(() => db.finishDistillationRun({ runId }));
}
