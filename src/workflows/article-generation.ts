import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  condition,
  defineSignal,
  isCancellation,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  sleep,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import { TASK_STATUS } from '../shared/search-attributes.js';
import { BUDGET_CHANGED_SIGNAL, type ArticleDraft, type ArticleTaskInput, type GenerateResult, type TaskActivities, type TaskRun, type TaskSummary } from './contracts.js';
import { forEachBounded } from './bounded.js';
import { progressQuery, type TaskProgress } from './progress.js';
import { requireTrustedInput } from './trusted-input.js';

/** DB steps retry until the database answers again: a DB outage pauses a task, it never fails it. */
const DB_RETRY = { initialInterval: '500ms', backoffCoefficient: 2, maximumInterval: '10s' } as const;
/**
 * startTask and finishTask are one short transaction each. Their timeout is how long a task idles when
 * the worker running one dies (the server only notices then), so it is short: a slow attempt is simply
 * retried, and both are idempotent. Only the start-to-close timeout, not the command, is in history.
 */
const db = proxyActivities<TaskActivities>({ startToCloseTimeout: '10 seconds', retry: DB_RETRY });
/**
 * The per-article DB steps as local activities: they run inside this worker's workflow task instead of
 * a round trip through the task queue (they are idempotent, so a re-run after a crash is harmless).
 */
const localDb = proxyLocalActivities<TaskActivities>({ startToCloseTimeout: '30 seconds', retry: DB_RETRY });
/** Histories recorded before the local DB steps replay with the old commands. */
const LOCAL_DB_STEPS_PATCH = 'local-db-steps-v1';
/**
 * Histories recorded before a cancel during startTask (or the last finishTask) was cleaned up: such a
 * run ended canceled with nothing after the canceled activity.
 */
const CANCEL_ANY_STEP_PATCH = 'cancel-at-any-step-v1';
const CANCELED_REASON = 'canceled by request';
/**
 * Histories recorded before quality rewrites had their own budget: a refused draft was thrown and retried
 * within the provider's attempts, and a provider failure after it lost the draft.
 */
const QUALITY_REWRITES_PATCH = 'quality-rewrites-v1';

/**
 * Histories recorded before budgets: no budget check before an article's LLM call. With it, a task whose account
 * reached its budget waits in the workflow (paused; not inside the activity, so no retry attempt is spent) until the
 * period rolls over (a timer) or the budget changes (the budgetChanged signal).
 */
const BUDGET_PAUSE_PATCH = 'budget-pause-v1';
export const budgetChangedSignal = defineSignal(BUDGET_CHANGED_SIGNAL);

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

/** Of the drafts the quality gate refused, the one to save: fewest flags, else the later (it had the feedback). */
function betterDraft(kept: ArticleDraft | undefined, draft: ArticleDraft) {
  return !kept || (draft.qualityFlags?.length ?? 0) <= (kept.qualityFlags?.length ?? 0) ? draft : kept;
}

/**
 * One generation task (DESIGN.md section 5): start, write article i from selected[i] with bounded
 * parallelism, save each at once, mark what failed, finish. Cancellation and the task's own deadline
 * end it as canceled / timeout: saved articles stay, open items are released.
 */
export async function articleGenerationWorkflow(input: ArticleTaskInput): Promise<TaskRun | TaskSummary> {
  const { taskId } = requireTrustedInput(input, 'articleGenerationWorkflow');
  const cancelAtAnyStep = patched(CANCEL_ANY_STEP_PATCH);
  const setSearchStatus = (status: string) => upsertSearchAttributes([{ key: TASK_STATUS, value: status }]);
  let run;
  try {
    run = await db.startTask({ taskId });
  } catch (err) {
    if (!cancelAtAnyStep || !isCancellation(err)) throw err;
    // Canceled before or while the task started: the row may be running with everything reserved. A
    // startTask still in flight is harmless: it leaves a finished row as it is.
    const summary = await CancellationScope.nonCancellable(() => db.finishTask({ taskId, outcome: { status: 'canceled', reason: CANCELED_REASON } }));
    setSearchStatus(summary.status);
    throw err;
  }
  const progress: TaskProgress = { ...run.counters, status: run.status, inFlight: 0 };
  setHandler(progressQuery, () => progress);
  let budgetChanges = 0;
  setHandler(budgetChangedSignal, () => void budgetChanges++);
  const setStatus = (status: TaskProgress['status']) => {
    progress.status = status;
    setSearchStatus(status);
  };
  setStatus(run.status);
  if (run.status !== 'running') return run;

  const llm = proxyActivities<TaskActivities>({
    taskQueue: run.llmTaskQueue,
    startToCloseTimeout: run.llmPolicy.timeoutMs + 30_000,
    heartbeatTimeout: run.llmPolicy.heartbeatTimeoutMs,
    // Eager dispatch would hand the activity to this worker without the task queue's rate limit.
    allowEagerDispatch: false,
    retry: {
      initialInterval: run.llmPolicy.retryInitialMs,
      backoffCoefficient: 2,
      maximumInterval: '60s',
      maximumAttempts: run.llmPolicy.maxAttempts,
      nonRetryableErrorTypes: NON_RETRYABLE,
    },
  });

  const perArticle = patched(LOCAL_DB_STEPS_PATCH) ? localDb : db;
  const keepsRefused = patched(QUALITY_REWRITES_PATCH);
  const checksBudget = patched(BUDGET_PAUSE_PATCH);
  /** Before every LLM call: returns at once within budget; else the task is paused and this waits for a roll-over or a signal. */
  const withinBudget = async () => {
    if (!checksBudget) return;
    for (;;) {
      const seen = budgetChanges;
      const gate = await localDb.budgetGate({ taskId });
      if (gate.allowed) {
        if (progress.status === 'paused') setStatus('running');
        return;
      }
      if (progress.status !== 'paused') setStatus('paused');
      await condition(() => budgetChanges !== seen, Math.max(1_000, gate.resumeAt - Date.now()));
    }
  };
  // A startTask result from before the rewrite budget: as many drafts as provider attempts, as then.
  const maxRewrites = run.llmPolicy.maxRewrites ?? run.llmPolicy.maxAttempts - 1;
  /**
   * Writes article `position`: a refused draft is kept here (in history, so a worker crash loses nothing)
   * and written again up to maxRewrites times, apart from the provider's retries inside each call; the
   * best refused draft is saved flagged once the rewrites are spent or the provider fails for good.
   */
  const write = async (position: number): Promise<GenerateResult> => {
    if (!keepsRefused) return llm.generateArticle({ taskId, position });
    let best: ArticleDraft | undefined;
    for (let rewrite = 0; ; rewrite++) {
      let result: GenerateResult;
      await withinBudget();
      try {
        result = await llm.generateArticle({ taskId, position, rewrite });
      } catch (err) {
        if (!best || isCancellation(err) || classify(err).state !== 'failed') throw err;
        return { kind: 'draft', draft: best };
      }
      if (result.kind !== 'refused') return result;
      best = betterDraft(best, result.draft);
      if (rewrite >= maxRewrites) return { kind: 'draft', draft: best };
    }
  };
  const work = new CancellationScope();
  let timedOut = false;
  // `!= null`: histories from before task deadlines carry no timeoutAt at all.
  if (run.timeoutAt != null) {
    // Swallows its own cancellation: when the task is canceled the timer simply goes away.
    void sleep(Math.max(0, run.timeoutAt - Date.now())).then(
      () => {
        timedOut = true;
        work.cancel();
      },
      () => undefined,
    );
  }

  try {
    await work.run(() =>
      forEachBounded(run.openPositions, run.concurrency, async (position) => {
        progress.inFlight++;
        try {
          const result = await write(position);
          if (result.kind !== 'already-saved') {
            // A save that has begun completes even when the task is canceled meanwhile.
            const saved = await CancellationScope.nonCancellable(() => perArticle.saveArticle({ taskId, position, draft: result.draft }));
            if (saved.inserted) progress.generatedCount++;
          }
        } catch (err) {
          if (isCancellation(err)) throw err;
          const outcome = classify(err);
          if (await perArticle.markItem({ taskId, position, ...outcome })) {
            if (outcome.state === 'failed') progress.failedCount++;
            else progress.skippedCount++;
          }
        } finally {
          progress.inFlight--;
          const done = progress.generatedCount + progress.failedCount + progress.skippedCount;
          progress.progress = Math.min(100, Math.floor((100 * done) / Math.max(progress.requestedCount, 1)));
        }
      }),
    );
  } catch (err) {
    if (!isCancellation(err)) throw err;
    const status = timedOut ? 'timeout' : 'canceled';
    const reason = timedOut ? 'the task ran past its time limit' : CANCELED_REASON;
    const summary = await CancellationScope.nonCancellable(() => db.finishTask({ taskId, outcome: { status, reason } }));
    setStatus(summary.status);
    // A timeout is the task's own decision and the workflow completes; a cancel shows as canceled.
    if (timedOut) return summary;
    throw err;
  }
  // Every article is settled: a cancel arriving now is too late, and must not cut the final write short.
  const summary = await (cancelAtAnyStep ? CancellationScope.nonCancellable(() => db.finishTask({ taskId })) : db.finishTask({ taskId }));
  setStatus(summary.status);
  return summary;
}
