import { ApplicationFailure, CancelledFailure, Context } from '@temporalio/activity';
import { ApplicationFailureCategory } from '@temporalio/common';
import { eq } from 'drizzle-orm';
import { DEFAULT_LIMITS, DEFAULT_QUALITY, DEFAULT_WEBHOOK_SETTINGS, type LimitDefaults, type WebhookSettings } from '../config.js';
import type { Db } from '../db/client.js';
import { generationTasks } from '../db/schema.js';
import { accountLimits } from '../domain/limits/account-limits.js';
import { loadArticleIngredients } from '../domain/ingredients/article-ingredients.js';
import { saveGeneratedArticle, type ArticleDraft } from '../domain/tasks/article-saving.js';
import { AdmissionDeferred, admitTask } from '../domain/limits/quotas.js';
import { finishTask, markItem, startTask, type Admission, type TaskPlan } from '../domain/tasks/task-lifecycle.js';
import { qualityFeedback, recordQualityFailure, runQualityGate } from '../domain/quality/gate.js';
import { effectiveQuality } from '../domain/quality/settings.js';
import { buildArticlePrompt, hasTitleLine, LlmError, parseArticle, type LlmClient } from '../llm/index.js';
import type { Logger } from '../logger.js';
import type { QualitySettings } from '../shared/quality.js';
import { startWebhookDeliveries } from '../temporal/webhook-deliveries.js';
import { taskWorkflowId } from '../domain/tasks/workflow-id.js';
import { currentWorkflowId, refuseRun } from './untrusted-run.js';

/** How generateArticle is retried and timed; handed to the workflow by startTask so it lives in history. */
export interface LlmPolicy {
  timeoutMs: number;
  maxAttempts: number;
  retryInitialMs: number;
  heartbeatTimeoutMs: number;
}

export interface TaskRun extends TaskPlan {
  llmTaskQueue: string;
  llmPolicy: LlmPolicy;
}

export type GenerateResult = { kind: 'draft'; draft: ArticleDraft } | { kind: 'already-saved'; articleId: number };

/** Failure types the workflow and the retry policy branch on. */
export const FAILURE_TYPES = {
  distillationUnavailable: 'DistillationUnavailable',
  requestRejected: 'LlmRequestRejected',
  rateLimited: 'LlmRateLimited',
  transient: 'LlmTransient',
  waitingForQuota: 'WaitingForRunningQuota',
  qualityCheckFailed: 'QualityCheckFailed',
} as const;

function toFailure(err: LlmError): ApplicationFailure {
  if (!err.retryable) return ApplicationFailure.nonRetryable(err.message, FAILURE_TYPES.requestRejected);
  if (err.status === 429) {
    return ApplicationFailure.create({
      message: err.message,
      type: FAILURE_TYPES.rateLimited,
      nextRetryDelay: err.retryAfterMs,
    });
  }
  return ApplicationFailure.retryable(err.message, FAILURE_TYPES.transient);
}

async function taskAccountId(db: Db, taskId: number) {
  const [task] = await db.select({ accountId: generationTasks.accountId }).from(generationTasks).where(eq(generationTasks.id, taskId));
  return task!.accountId;
}

export interface ActivityDeps {
  db: Db;
  llm: LlmClient;
  log: Logger;
  llmTaskQueue: string;
  llmPolicy: LlmPolicy;
  /** Quota defaults (the running-task quota); DEFAULT_LIMITS when not given. */
  limits?: LimitDefaults;
  /** The quality gate of accounts without their own; DEFAULT_QUALITY when not given. */
  quality?: QualitySettings;
  /** How webhook deliveries this process starts are tried; DEFAULT_WEBHOOK_SETTINGS when not given. */
  webhooks?: WebhookSettings;
}

/** The activities, built over their dependencies so tests hand in real handles with their own settings. */
export function createActivities({
  db,
  llm,
  log,
  llmTaskQueue,
  llmPolicy,
  limits = DEFAULT_LIMITS,
  quality = DEFAULT_QUALITY,
  webhooks = DEFAULT_WEBHOOK_SETTINGS,
}: ActivityDeps) {
  /** After a commit that put webhook events in the outbox: start their deliveries on this queue (the sweeper catches a crash here). */
  const startDeliveries = (accountId: number) => {
    const { client, info } = Context.current();
    return startWebhookDeliveries(db, { client, taskQueue: info.taskQueue, webhooks }, { accountId }, log);
  };
  const admit: Admission = async (tx, task) => admitTask(tx, task, (await accountLimits(tx, task.accountId, limits)).maxRunningTasks);
  return {
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

    async generateArticle({ taskId, position }: { taskId: number; position: number }): Promise<GenerateResult> {
      const ctx = Context.current();
      const loaded = await loadArticleIngredients(db, taskId, position, ctx.info.attempt);
      if (loaded.kind === 'already-saved') return loaded;
      if (loaded.kind === 'unavailable') {
        throw ApplicationFailure.nonRetryable(loaded.reason, FAILURE_TYPES.distillationUnavailable);
      }
      ctx.heartbeat();
      const beat = setInterval(() => ctx.heartbeat(), Math.max(100, Math.min(1_000, Math.floor(llmPolicy.heartbeatTimeoutMs / 3))));
      const startedAt = Date.now();
      const { ingredients, accountId } = loaded;
      const attempt = ctx.info.attempt;
      try {
        // A draft refused by the quality gate on the attempt before: its reasons go to the LLM.
        const feedback = attempt > 1 ? qualityFeedback(loaded.itemError) : [];
        const messages = buildArticlePrompt({ ...ingredients, feedback });
        const reply = await llm.complete({ messages, signal: ctx.cancellationSignal });
        const { title, content } = parseArticle(reply.content);
        const settings = effectiveQuality(quality, loaded.qualityOverrides);
        const draft = { title, content, hasTitle: hasTitleLine(reply.content) };
        const verdict = await runQualityGate(db, { accountId, settings, companyName: ingredients.conversionTarget?.companyName ?? null, draft });
        const checks = verdict.flags.map((f) => f.check);
        // The last attempt keeps its draft, flagged: an article is never dropped for its quality alone.
        if (checks.length > 0 && attempt < llmPolicy.maxAttempts) {
          await recordQualityFailure(db, taskId, position, verdict.flags, reply);
          log.info({ taskId, position, attempt, checks }, 'draft failed the quality gate, writing it again');
          // Check names only: the reasons quote user text (banned words), kept on the item, not in logs.
          throw ApplicationFailure.retryable(`the draft failed the quality check: ${checks.join(', ')}`, FAILURE_TYPES.qualityCheckFailed);
        }
        return {
          kind: 'draft',
          draft: {
            title,
            content,
            keyword: ingredients.keyword,
            topics: ingredients.topics,
            imageId: loaded.imageId,
            imageUrl: ingredients.image?.url ?? null,
            autoApprove: loaded.autoApprove,
            provider: llm.provider,
            model: reply.model,
            promptTokens: reply.promptTokens,
            completionTokens: reply.completionTokens,
            durationMs: Date.now() - startedAt,
            qualityFlags: verdict.flags,
            qualityScores: { ...verdict.scores, attempt },
            simhashBands: verdict.simhashBands,
          },
        };
      } catch (err) {
        if (ctx.cancellationSignal.aborted) throw new CancelledFailure(`article ${position} of task ${taskId} canceled`);
        if (err instanceof LlmError) {
          log.warn({ taskId, position, attempt: ctx.info.attempt, err: err.message }, 'article generation attempt failed');
          throw toFailure(err);
        }
        throw err;
      } finally {
        clearInterval(beat);
      }
    },

    async saveArticle({ taskId, position, draft }: { taskId: number; position: number; draft: ArticleDraft }) {
      const { webhookDeliveries, ...saved } = await saveGeneratedArticle(db, taskId, position, draft);
      if (webhookDeliveries > 0) await startDeliveries(await taskAccountId(db, taskId));
      return saved;
    },

    async markItem(input: { taskId: number; position: number; state: 'failed' | 'skipped'; error: string }) {
      return markItem(db, input.taskId, input.position, input.state, input.error);
    },

    async finishTask(input: { taskId: number; outcome?: { status: 'canceled' | 'timeout' | 'failed'; reason?: string } }) {
      const summary = await finishTask(db, input.taskId, input.outcome);
      await startDeliveries(await taskAccountId(db, input.taskId));
      return summary;
    },
  };
}

export type Activities = ReturnType<typeof createActivities>;
