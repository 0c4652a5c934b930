import { ApplicationFailure, CancelledFailure, Context } from '@temporalio/activity';
import { ApplicationFailureCategory } from '@temporalio/common';
import { eq } from 'drizzle-orm';
import { DEFAULT_DISTILL_CONCURRENCY, DEFAULT_KNOWLEDGE, DEFAULT_LIMITS, DEFAULT_QUALITY, DEFAULT_ROUTER, DEFAULT_WEBHOOK_SETTINGS, type KnowledgeSettings, type LimitDefaults, type RouterSettings, type WebhookSettings } from '../config.js';
import type { Db } from '../db/client.js';
import { generationTasks } from '../db/schema.js';
import { accountLimits } from '../domain/limits/account-limits.js';
import { loadArticleIngredients, withArticleKnowledge } from '../domain/ingredients/index.js';
import { createDeltaPublisher } from '../domain/live/index.js';
import type { EmbeddingsClient } from '../domain/knowledge/index.js';
import { saveGeneratedArticle, type ArticleDraft } from '../domain/tasks/article-saving.js';
import { AdmissionDeferred, admitTask } from '../domain/limits/quotas.js';
import { finishTask, markItem, startTask, type Admission } from '../domain/tasks/task-lifecycle.js';
import { addAttemptTime } from '../domain/tasks/attempt-time.js';
import { qualityFeedback, recordQualityFailure, runQualityGate } from '../domain/quality/gate.js';
import { effectiveQuality } from '../domain/quality/settings.js';
import { articleMessages, hasTitleLine, LlmError, parseArticle, type LlmClient } from '../llm/index.js';
import { singleClientCatalog, type ModelCatalog } from '../llm/models/clients.js';
import { createModelRouter, markAttemptRefused, type ModelRouter } from '../llm/models/router.js';
import { OFFLINE_MODEL_ID } from '../llm/models/spec.js';
import { loadRoute, resolveArticleRoute, UnknownModelError } from '../domain/models/index.js';
import type { Logger } from '../logger.js';
import type { QualitySettings } from '../shared/quality.js';
import { deliverAfterCommit } from '../temporal/webhook-deliveries.js';
import { taskWorkflowId } from '../domain/tasks/workflow-id.js';
import type { BudgetGateResult, DistillationActivities, GenerateInput, GenerateResult, LlmPolicy, TaskActivities, TaskOutcome, TaskRun } from '../workflows/contracts.js';
import { currentWorkflowId, refuseRun } from './untrusted-run.js';
import { FAILURE_TYPES, toFailure } from './llm-failure.js';
import { createDistillationActivities } from './distillation-runs.js';
import { budgetGate } from '../domain/costs/index.js';

export { FAILURE_TYPES };

async function taskAccountId(db: Db, taskId: number) {
  const [task] = await db.select({ accountId: generationTasks.accountId }).from(generationTasks).where(eq(generationTasks.id, taskId));
  return task!.accountId;
}

export interface ActivityDeps {
  db: Db;
  /** The client of the registry default when no `models` catalog is given (tests, tools): the one model besides the table's. */
  llm: LlmClient;
  /** The model registry (config's models and the clients of every model); around `llm` alone when not given. */
  models?: ModelCatalog;
  /** Sends a route's requests and records each in llm_attempts; the minimal router over `models` when not given. */
  router?: ModelRouter;
  log: Logger;
  llmTaskQueue: string;
  llmPolicy: LlmPolicy;
  /** Quota defaults (the running-task quota); DEFAULT_LIMITS when not given. */
  limits?: LimitDefaults;
  /** The quality gate of accounts without their own; DEFAULT_QUALITY when not given. */
  quality?: QualitySettings;
  /** How webhook deliveries this process starts are tried; DEFAULT_WEBHOOK_SETTINGS when not given. */
  webhooks?: WebhookSettings;
  /** Keywords of one distillation run asked at once; DISTILL_CONCURRENCY's default (4) when not given. */
  distillConcurrency?: number;
  /** The knowledge token budget of a prompt; DEFAULT_KNOWLEDGE when not given. */
  knowledge?: KnowledgeSettings;
  /** The embeddings endpoint (EMBEDDINGS_BASE_URL): articles' passages ranked by text and embedding fused; text alone when not given. */
  embeddings?: EmbeddingsClient;
  /** How the model router fails over and fits prompts (LLM_BREAKER_*, LLM_RETRY_AFTER_*); DEFAULT_ROUTER when not given. */
  routerSettings?: RouterSettings;
}

/** The activities of articleGenerationWorkflow, built over their dependencies so tests hand in real handles with their own settings. */
export function createActivities({
  db,
  llm,
  log,
  llmTaskQueue,
  llmPolicy,
  limits = DEFAULT_LIMITS,
  quality = DEFAULT_QUALITY,
  webhooks = DEFAULT_WEBHOOK_SETTINGS,
  distillConcurrency = DEFAULT_DISTILL_CONCURRENCY,
  embeddings,
  knowledge = DEFAULT_KNOWLEDGE,
  models = singleClientCatalog(llm, llmPolicy.timeoutMs),
  routerSettings = DEFAULT_ROUTER,
  router = createModelRouter({ db, clientFor: models.clientFor, settings: routerSettings }),
}: ActivityDeps): TaskActivities & DistillationActivities {
  /** Deliveries of what a commit put into the outbox are started on this activity's client and queue. */
  const afterCommit = deliverAfterCommit(db, () => {
    const { client, info } = Context.current();
    return { client, taskQueue: info.taskQueue, webhooks };
  }, log);
  const ofTask = async (taskId: number) => ({ accountId: await taskAccountId(db, taskId) });
  const admit: Admission = async (tx, task) => admitTask(tx, task, (await accountLimits(tx, task.accountId, limits)).maxRunningTasks);
  return {
    ...createDistillationActivities({ db, models, router, log, llmTaskQueue, llmPolicy, concurrency: distillConcurrency, afterCommit }),
    /**
     * A task over its account's running-task quota stays pending: the attempt fails and is retried
     * after QUOTA_ADMISSION_RETRY_MS (no workflow change: activity retries add no history events).
     */
    async startTask({ taskId }: { taskId: number }): Promise<TaskRun> {
      // The service runs a task only under its own workflow id: another run naming it was not started by the service.
      const workflowId = currentWorkflowId();
      if (workflowId !== taskWorkflowId(taskId)) refuseRun(log, `it names task ${taskId} but runs as ${workflowId}`, { taskId, workflowId });
      try {
        return { ...(await startTask(db, taskId, admit)), llmTaskQueue, llmPolicy };
      } catch (err) {
        if (!(err instanceof AdmissionDeferred)) throw err;
        // BENIGN: waiting is normal, so the worker logs it at debug level, not as a warning per attempt.
        throw ApplicationFailure.create({
          message: err.message,
          type: FAILURE_TYPES.waitingForQuota,
          nextRetryDelay: limits.admissionRetryMs,
          category: ApplicationFailureCategory.BENIGN,
        });
      }
    },

    async generateArticle({ taskId, position, rewrite }: GenerateInput): Promise<GenerateResult> {
      const ctx = Context.current();
      const keepsRefused = rewrite !== undefined;
      const loaded = await loadArticleIngredients(db, taskId, position, keepsRefused ? 'next' : ctx.info.attempt);
      if (loaded.kind === 'already-saved') return loaded;
      if (loaded.kind === 'unavailable') {
        throw ApplicationFailure.nonRetryable(loaded.reason, FAILURE_TYPES.distillationUnavailable);
      }
      ctx.heartbeat();
      const beat = setInterval(() => ctx.heartbeat(), Math.max(100, Math.min(1_000, Math.floor(llmPolicy.heartbeatTimeoutMs / 3))));
      const startedAt = Date.now();
      const { accountId, attempt } = loaded;
      // The text as it is written goes to the task's event streams; the last of it before the save.
      const live = createDeltaPublisher(db, { accountId, taskId, position, attempt: Math.max(1, attempt) });
      try {
        const { ingredients, knowledgeChunks } = await withArticleKnowledge(db, loaded, knowledge.promptTokenBudget, embeddings);
        // A draft refused by the quality gate before: its reasons go to the LLM.
        const feedback = keepsRefused || ctx.info.attempt > 1 ? qualityFeedback(loaded.itemError) : [];
        const messages = articleMessages(loaded.template, { ...ingredients, feedback });
        const seed = `task ${taskId} position ${position} draft ${rewrite ?? ctx.info.attempt - 1}`;
        const route = await loadRoute(db, await resolveArticleRoute(db, taskId, models.defaultModelId), models.builtIn);
        const reply = await router.complete(route, { messages, signal: ctx.cancellationSignal, seed, accountId, taskId, position, attempt: Math.max(1, attempt), onDelta: live.onDelta });
        await live.flush();
        const { title, content } = parseArticle(reply.content);
        const settings = effectiveQuality(quality, loaded.qualityOverrides);
        const verdict = await runQualityGate(db, {
          accountId,
          settings,
          companyName: ingredients.conversionTarget?.companyName ?? null,
          draft: { title, content, hasTitle: hasTitleLine(reply.content) },
        });
        const checks = verdict.flags.map((f) => f.check);
        const draft: ArticleDraft = {
          title,
          content,
          keyword: ingredients.keyword,
          topics: ingredients.topics,
          imageId: loaded.imageId,
          imageUrl: ingredients.image?.url ?? null,
          autoApprove: loaded.autoApprove,
          provider: reply.modelId === OFFLINE_MODEL_ID ? 'offline' : 'openai-compatible',
          model: reply.modelId,
          promptTokens: reply.promptTokens,
          completionTokens: reply.completionTokens,
          durationMs: Date.now() - startedAt,
          qualityFlags: verdict.flags,
          qualityScores: { ...verdict.scores, attempt },
          simhashBands: verdict.simhashBands,
          // The passages the prompt carried: the router drops the lowest-ranked ones to fit the model's window.
          ...(knowledgeChunks.length > reply.droppedKnowledgePassages ? { knowledgeChunks: knowledgeChunks.slice(0, knowledgeChunks.length - reply.droppedKnowledgePassages) } : {}),
        };
        // A refusal is an expected outcome: one info line with the check names only (the reasons quote
        // user text such as banned words; they are kept on the item, where the next draft reads them).
        const refuse = async () => {
          await markAttemptRefused(db, reply.attemptId);
          await live.failed('refused');
          await recordQualityFailure(db, taskId, position, verdict.flags, draft);
          log.info({ taskId, position, attempt, checks }, 'draft failed the quality gate');
        };
        if (checks.length > 0 && keepsRefused) {
          await refuse();
          return { kind: 'refused', draft: { ...draft, counted: true } };
        }
        // Older histories: the last attempt keeps its draft, flagged; an earlier one is retried.
        if (checks.length > 0 && ctx.info.attempt < llmPolicy.maxAttempts) {
          await refuse();
          // BENIGN: the SDK logs it at debug level, not as a warning with a stack per refusal.
          throw ApplicationFailure.create({
            message: `the draft failed the quality check: ${checks.join(', ')}`,
            type: FAILURE_TYPES.qualityCheckFailed,
            category: ApplicationFailureCategory.BENIGN,
          });
        }
        return { kind: 'draft', draft };
      } catch (err) {
        await live.failed('failed');
        if (ctx.cancellationSignal.aborted) throw new CancelledFailure(`article ${position} of task ${taskId} canceled`);
        if (err instanceof UnknownModelError) throw ApplicationFailure.nonRetryable(err.message, FAILURE_TYPES.requestRejected);
        if (err instanceof LlmError) {
          log.warn({ taskId, position, attempt, err: err.message }, 'article generation attempt failed');
          // Best effort: a lost duration must not hide the provider's error.
          await addAttemptTime(db, taskId, position, Date.now() - startedAt).catch(() => undefined);
          throw toFailure(err);
        }
        throw err;
      } finally {
        clearInterval(beat);
      }
    },

    async saveArticle({ taskId, position, draft }: Parameters<TaskActivities['saveArticle']>[0]) {
      const saved = await afterCommit(
        () => saveGeneratedArticle(db, taskId, position, draft),
        (s) => (s.webhookDeliveries > 0 ? ofTask(taskId) : null),
      );
      return { articleId: saved.articleId, inserted: saved.inserted };
    },

    async markItem(input: { taskId: number; position: number; state: 'failed' | 'skipped'; error: string }) {
      return markItem(db, input.taskId, input.position, input.state, input.error);
    },

    async finishTask(input: { taskId: number; outcome?: TaskOutcome }) {
      return afterCommit(() => finishTask(db, input.taskId, input.outcome), () => ofTask(input.taskId));
    },

    async budgetGate({ taskId }: { taskId: number }): Promise<BudgetGateResult> {
      const { gate } = await afterCommit(
        () => budgetGate(db, taskId, limits),
        (g) => (g.webhookDeliveries > 0 ? ofTask(taskId) : null),
      );
      return gate;
    },
  };
}

export type Activities = ReturnType<typeof createActivities>;
