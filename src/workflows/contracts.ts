/**
 * What workflows, their activities and their clients agree on: workflow type names, inputs and results,
 * and the activities each workflow calls. Everything here is in recorded histories (names, argument and
 * result shapes), so a change must keep old histories replaying (test/engine/workflow-replay.test.ts).
 *
 * Workflows, activities and clients all import this module and none of them imports another, so no
 * import circle runs through the workflow boundary. It imports only src/shared: workflow code may load it.
 *
 * @example
 * await client.workflow.start<ArticleGenerationWorkflow>(WORKFLOW_TYPES.articleGeneration, { args: [{ taskId }], ... });
 * const activities: TaskActivities = { async startTask(input) { ... }, ... };
 */
import type { ArticleDraft, ScheduleRunResult, TaskCounters, TaskSummary } from '../shared/task-shapes.js';
import type { TaskStatus } from '../shared/task-statuses.js';
import type { DistillationRunSummary, DistilledKeyword } from '../shared/distillation-runs.js';

export type { ArticleDraft, ScheduleRunError, ScheduleRunResult, TaskCounters, TaskSummary } from '../shared/task-shapes.js';
export type { TaskStatus } from '../shared/task-statuses.js';

/** The names workflows are registered and started under (their exported function names). */
export const WORKFLOW_TYPES = {
  articleGeneration: 'articleGenerationWorkflow',
  scheduledGeneration: 'scheduledGenerationWorkflow',
  usageVerification: 'usageVerificationWorkflow',
  webhookDelivery: 'webhookDeliveryWorkflow',
  distillationRun: 'distillationRunWorkflow',
} as const;

// ---- Article generation -------------------------------------------------------------------------

export interface ArticleTaskInput {
  taskId: number;
}

/** How generateArticle is retried and timed; handed to the workflow by startTask so it lives in history. */
export interface LlmPolicy {
  timeoutMs: number;
  maxAttempts: number;
  retryInitialMs: number;
  heartbeatTimeoutMs: number;
  /** Rewrites of an article whose draft the quality gate refused, apart from maxAttempts (QUALITY_MAX_REWRITES). */
  maxRewrites: number;
}

/** What startTask answers: the task's plan and how to call the LLM task queue. */
export interface TaskRun {
  taskId: number;
  status: TaskStatus;
  concurrency: number;
  /** Positions whose article is still to be written, in order. */
  openPositions: number[];
  counters: TaskCounters;
  /** Epoch milliseconds after which the task ends as timeout; null: no limit. */
  timeoutAt: number | null;
  llmTaskQueue: string;
  llmPolicy: LlmPolicy;
}

export interface GenerateInput {
  taskId: number;
  position: number;
  /**
   * Drafts of the article the gate refused before this one. Given by workflows that keep the best refused
   * draft (quality-rewrites patch): a refusal is then returned, not thrown, and rewrites are the workflow's
   * to count. Absent (older histories): a refusal throws and is retried within maxAttempts.
   */
  rewrite?: number;
}

/** A draft the quality gate refused is returned as `refused` (flagged) to a workflow that keeps drafts. */
export type GenerateResult = { kind: 'draft' | 'refused'; draft: ArticleDraft } | { kind: 'already-saved'; articleId: number };

/** How a task ends when not by finishing its articles. */
export interface TaskOutcome {
  status: 'canceled' | 'timeout' | 'failed';
  reason?: string;
}

/**
 * The budget check before an article's LLM call (budget-pause patch): go on, or wait (the task is paused) until
 * `resumeAt` (epoch ms, the budget period's roll-over) or the budgetChanged signal, then ask again.
 */
export type BudgetGateResult = { allowed: true } | { allowed: false; resumeAt: number; reason: string };

/** Sent to a task's workflow when its account's budget changed (raised, dropped): a paused task asks its gate again. */
export const BUDGET_CHANGED_SIGNAL = 'budgetChanged';

/** The activities of articleGenerationWorkflow (src/activities/index.ts). */
export interface TaskActivities {
  startTask(input: { taskId: number }): Promise<TaskRun>;
  generateArticle(input: GenerateInput): Promise<GenerateResult>;
  saveArticle(input: { taskId: number; position: number; draft: ArticleDraft }): Promise<{ articleId: number; inserted: boolean }>;
  /** False when the item had been settled already. */
  markItem(input: { taskId: number; position: number; state: 'failed' | 'skipped'; error: string }): Promise<boolean>;
  finishTask(input: { taskId: number; outcome?: TaskOutcome }): Promise<TaskSummary>;
  /** Pauses the task when its account's budget is reached, resumes it when it is not (idempotent). */
  budgetGate(input: { taskId: number }): Promise<BudgetGateResult>;
}

/** A task not admitted yet ends the workflow with its plan; one that ran, with its summary. */
export type ArticleGenerationWorkflow = (input: ArticleTaskInput) => Promise<TaskRun | TaskSummary>;

// ---- Scheduled generation -----------------------------------------------------------------------

export interface ScheduledGenerationInput {
  scheduleId: number;
}

/** The activity of scheduledGenerationWorkflow (src/activities/scheduled-generation.ts). */
export interface ScheduleActivities {
  createScheduledTask(input: { scheduleId: number; runWorkflowId: string }): Promise<ScheduleRunResult>;
}

export type ScheduledGenerationWorkflow = (input: ScheduledGenerationInput) => Promise<ScheduleRunResult>;

// ---- Usage verification (and audit retention) ---------------------------------------------------

export interface ScheduledVerificationInput {
  /** Repair too, whatever USAGE_REPAIR_ON_SCHEDULE says. */
  repair?: boolean;
}

export interface ScheduledVerificationSummary {
  reportId: number;
  discrepancies: number;
  byKind: Record<string, number>;
  repaired: boolean;
  repairReportId: number | null;
  changes: number;
  remaining: number;
}

/** src/activities/usage-verification.ts */
export interface UsageActivities {
  runScheduledVerification(input?: ScheduledVerificationInput): Promise<ScheduledVerificationSummary>;
}

/** src/activities/audit-retention.ts */
export interface AuditRetentionActivities {
  deleteExpiredAuditEvents(): Promise<{ deleted: number; retentionDays: number }>;
}

export type UsageVerificationWorkflow = (input?: ScheduledVerificationInput) => Promise<ScheduledVerificationSummary>;

// ---- Webhook delivery ---------------------------------------------------------------------------

/** How a delivery is tried, fixed when its workflow starts (so it lives in the history). */
export interface WebhookDeliveryPolicy {
  /** Milliseconds one request may take. */
  timeoutMs: number;
  /** First delay between attempts; doubles up to an hour. */
  retryInitialMs: number;
}

export interface WebhookDeliveryInput {
  deliveryId: number;
  generation: number;
  policy: WebhookDeliveryPolicy;
  /** A publication's slot (ISO time): wait until then, then send only if its article is still approved. */
  notBefore?: string;
}

export type WebhookDeliveryResult = { status: 'succeeded' | 'skipped' } | { status: 'failed'; error: string };

/** src/activities/webhooks.ts */
export interface WebhookActivities {
  /** One attempt: 'skipped' when a redelivery replaced this generation or it is finished. */
  sendWebhookDelivery(input: { deliveryId: number; generation: number; timeoutMs: number }): Promise<'succeeded' | 'skipped'>;
  /** At a publication's slot: 'due' to send it, or 'skipped'. */
  preparePublication(input: { deliveryId: number; generation: number }): Promise<'due' | 'skipped'>;
  finishFailedDelivery(input: { deliveryId: number; generation: number; error: string }): Promise<void>;
}

export type WebhookDeliveryWorkflow = (input: WebhookDeliveryInput) => Promise<WebhookDeliveryResult>;

// ---- Distillation runs (keywords -> questions) ---------------------------------------------------

export type { DistillationRunSummary, DistilledKeyword } from '../shared/distillation-runs.js';

export interface DistillationRunInput {
  runId: number;
}

/** What startDistillationRun answers: the keywords still to ask and how to call the LLM task queue. */
export interface DistillationRunPlan extends DistillationRunSummary {
  /** Keyword positions still to ask, in order (none once the run has finished). */
  openPositions: number[];
  /** Keywords asked at once (DISTILL_CONCURRENCY). */
  concurrency: number;
  llmTaskQueue: string;
  llmPolicy: LlmPolicy;
}

/** The activities of distillationRunWorkflow (src/activities/distillation-runs.ts); distillKeyword runs on the LLM queue. */
export interface DistillationActivities {
  startDistillationRun(input: { runId: number }): Promise<DistillationRunPlan>;
  /** Asks the model for one keyword's questions and keeps them, once; an answer with nothing usable ends the keyword failed. */
  distillKeyword(input: { runId: number; position: number }): Promise<DistilledKeyword>;
  /** The provider failed every attempt: the keyword ends failed with the error. */
  failDistillationKeyword(input: { runId: number; position: number; error: string }): Promise<DistilledKeyword>;
  finishDistillationRun(input: { runId: number; outcome?: 'canceled' }): Promise<DistillationRunSummary>;
}

export type DistillationRunWorkflow = (input: DistillationRunInput) => Promise<DistillationRunSummary>;

/** Every workflow by the type name it is registered under; src/workflows/index.ts is checked against it. */
export interface WorkflowContracts {
  [WORKFLOW_TYPES.articleGeneration]: ArticleGenerationWorkflow;
  [WORKFLOW_TYPES.scheduledGeneration]: ScheduledGenerationWorkflow;
  [WORKFLOW_TYPES.usageVerification]: UsageVerificationWorkflow;
  [WORKFLOW_TYPES.webhookDelivery]: WebhookDeliveryWorkflow;
  [WORKFLOW_TYPES.distillationRun]: DistillationRunWorkflow;
}
