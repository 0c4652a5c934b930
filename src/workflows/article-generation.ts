import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  isCancellation,
  proxyActivities,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import { TASK_STATUS } from '../shared/search-attributes.js';

export interface ArticleTaskInput {
  taskId: number;
}

/** DB steps retry until the database answers again: a DB outage pauses a task, it never fails it. */
const db = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '500ms', backoffCoefficient: 2, maximumInterval: '10s' },
});

const NON_RETRYABLE = ['LlmRequestRejected', 'DistillationUnavailable'];

/** Why an article was not written: skipped when its distillation went away, failed otherwise. */
function classify(err: unknown): { state: 'failed' | 'skipped'; error: string } {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  if (cause instanceof ApplicationFailure && cause.type === 'DistillationUnavailable') {
    return { state: 'skipped', error: cause.message };
  }
  const message = cause instanceof Error ? cause.message : String(cause);
  return { state: 'failed', error: message || 'unknown error' };
}

/** Runs `work` over `items` with at most `limit` in flight; item order of start is kept. */
async function forEachBounded<T>(items: T[], limit: number, work: (item: T) => Promise<void>) {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, lane));
}

/**
 * One generation task (DESIGN.md section 5): start, write article i from selected[i] with bounded
 * parallelism, save each at once, mark what failed, finish. Cancellation finishes the task as canceled
 * in a non-cancellable scope, keeping what was saved and releasing the rest.
 */
export async function articleGenerationWorkflow({ taskId }: ArticleTaskInput) {
  const run = await db.startTask({ taskId });
  upsertSearchAttributes([{ key: TASK_STATUS, value: run.status }]);
  if (run.status !== 'running') return run;

  const llm = proxyActivities<Activities>({
    taskQueue: run.llmTaskQueue,
    startToCloseTimeout: run.llmPolicy.timeoutMs + 30_000,
    heartbeatTimeout: run.llmPolicy.heartbeatTimeoutMs,
    retry: {
      initialInterval: run.llmPolicy.retryInitialMs,
      backoffCoefficient: 2,
      maximumInterval: '60s',
      maximumAttempts: run.llmPolicy.maxAttempts,
      nonRetryableErrorTypes: NON_RETRYABLE,
    },
  });

  try {
    await forEachBounded(run.openPositions, run.concurrency, async (position) => {
      try {
        const result = await llm.generateArticle({ taskId, position });
        if (result.kind === 'draft') await db.saveArticle({ taskId, position, draft: result.draft });
      } catch (err) {
        if (isCancellation(err)) throw err;
        await db.markItem({ taskId, position, ...classify(err) });
      }
    });
    const summary = await db.finishTask({ taskId });
    upsertSearchAttributes([{ key: TASK_STATUS, value: summary.status }]);
    return summary;
  } catch (err) {
    if (!isCancellation(err)) throw err;
    await CancellationScope.nonCancellable(async () => {
      await db.finishTask({ taskId, outcome: { status: 'canceled', reason: 'canceled by request' } });
      upsertSearchAttributes([{ key: TASK_STATUS, value: 'canceled' }]);
    });
    throw err;
  }
}
