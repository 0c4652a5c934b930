import { ApplicationFailure, CancelledFailure, Context } from '@temporalio/activity';
import type { Db } from '../db/client.js';
import { beginKeyword, failKeyword, finishRun, runAccountId, saveKeywordAnswer, startRun } from '../domain/distillations/runs/run-lifecycle.js';
import { buildDistillPrompt, LlmError, parseQuestions } from '../llm/index.js';
import type { ModelCatalog } from '../llm/models/clients.js';
import type { ModelRouter } from '../llm/models/router.js';
import { OFFLINE_MODEL_ID } from '../llm/models/spec.js';
import { loadRoute, resolveAccountRoute, UnknownModelError } from '../domain/models/index.js';
import type { Logger } from '../logger.js';
import { distillationRunWorkflowId } from '../shared/distillation-runs.js';
import type { DistillationActivities, LlmPolicy } from '../workflows/contracts.js';
import { FAILURE_TYPES, toFailure } from './llm-failure.js';
import { currentWorkflowId, refuseRun } from './untrusted-run.js';

export const NO_USABLE_QUESTIONS = "the model's answer held no usable question";

export interface DistillationActivityDeps {
  db: Db;
  models: ModelCatalog;
  router: ModelRouter;
  log: Logger;
  llmTaskQueue: string;
  llmPolicy: LlmPolicy;
  /** Keywords of one run asked at once (DISTILL_CONCURRENCY). */
  concurrency: number;
  /** Starts the webhook deliveries a commit put into the outbox (the run's final event). */
  afterCommit?: <T>(commit: () => Promise<T>, which: (committed: T) => { accountId: number } | null | Promise<{ accountId: number } | null>) => Promise<T>;
}

/** The activities of distillationRunWorkflow: thin adapters over src/domain/distillations/runs. */
export function createDistillationActivities({ db, models, router, log, llmTaskQueue, llmPolicy, concurrency, afterCommit = (commit) => commit() }: DistillationActivityDeps): DistillationActivities {
  const requireOwnRun = (runId: number) => {
    const workflowId = currentWorkflowId();
    if (workflowId !== distillationRunWorkflowId(runId)) refuseRun(log, `it names distillation run ${runId} but runs as ${workflowId}`, { runId, workflowId });
  };
  return {
    async startDistillationRun({ runId }) {
      requireOwnRun(runId);
      return { ...(await startRun(db, runId)), concurrency, llmTaskQueue, llmPolicy };
    },

    async distillKeyword({ runId, position }) {
      requireOwnRun(runId);
      const ctx = Context.current();
      const asked = await beginKeyword(db, runId, position);
      if (!asked) return { state: 'settled' };
      ctx.heartbeat();
      const beat = setInterval(() => ctx.heartbeat(), Math.max(100, Math.min(1_000, Math.floor(llmPolicy.heartbeatTimeoutMs / 3))));
      try {
        const messages = buildDistillPrompt({ keyword: asked.keyword, count: asked.count, language: asked.language });
        const accountId = await runAccountId(db, runId);
        const route = await loadRoute(db, await resolveAccountRoute(db, accountId, models.defaultModelId), models.builtIn);
        const seed = `run ${runId} keyword ${position} attempt ${asked.attempt}`;
        const reply = await router.complete(route, { messages, signal: ctx.cancellationSignal, seed, accountId, runId, position, attempt: Math.max(1, asked.attempt) });
        // More than asked is trimmed; a model padding its list should not grow the pool past the request.
        const questions = parseQuestions(reply.content).slice(0, asked.count);
        const tokens = { promptTokens: reply.promptTokens, completionTokens: reply.completionTokens };
        if (questions.length === 0) return failKeyword(db, runId, position, NO_USABLE_QUESTIONS, tokens);
        return saveKeywordAnswer(db, runId, position, { questions, provider: reply.modelId === OFFLINE_MODEL_ID ? 'offline' : 'openai-compatible', model: reply.modelId, ...tokens });
      } catch (err) {
        if (ctx.cancellationSignal.aborted) throw new CancelledFailure(`keyword ${position} of distillation run ${runId} canceled`);
        if (err instanceof UnknownModelError) throw ApplicationFailure.nonRetryable(err.message, FAILURE_TYPES.requestRejected);
        if (err instanceof LlmError) {
          log.warn({ runId, position, attempt: asked.attempt, err: err.message }, 'distillation attempt failed');
          throw toFailure(err);
        }
        throw err;
      } finally {
        clearInterval(beat);
      }
    },

    async failDistillationKeyword({ runId, position, error }) {
      return failKeyword(db, runId, position, error);
    },

    async finishDistillationRun({ runId, outcome }) {
      return afterCommit(() => finishRun(db, runId, outcome), async () => ({ accountId: await runAccountId(db, runId) }));
    },
  };
}
