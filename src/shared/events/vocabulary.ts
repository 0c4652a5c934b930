import { z } from 'zod';

/*
 * The payloads, as they are written today: `task_events.data` (streams, notifications) and the `data` of
 * a webhook body. Closed objects, so a field a writer adds but this file does not name fails the append
 * (and the tests' checks of what SQL wrote). Built from zod alone: every layer may import this module.
 */
const id = z.number().int().positive();
const count = z.number().int().min(0);
/** PostgreSQL's jsonb text of a timestamptz, e.g. `2026-12-07T15:35:32.123456+00:00`. */
const jsonTimestamp = z.string().describe('A timestamp with its offset, as PostgreSQL writes it into JSON');

/** The task's counters after the change, in every task event but task.started, task.retried and review.needed. */
const counters = {
  requestedCount: count.describe('Articles the task asked for'),
  generatedCount: count.describe('Articles saved so far'),
  failedCount: count.describe('Articles that failed for good'),
  skippedCount: count.describe('Articles skipped (their distillation was deleted or emptied)'),
  progress: z.number().int().min(0).max(100).describe('Percent of the articles handled (saved, failed or skipped)'),
};

export const taskStartedData = z.strictObject({ requestedCount: count });

export const taskRetriedData = z.strictObject({
  retryCount: z.number().int().min(1),
  positions: z.array(count).describe('The positions written again'),
  replacements: z.array(
    z.strictObject({ position: count, previousDistillationId: id, distillationId: id, reason: z.string() }),
  ).describe('Positions whose distillation was deleted or emptied, given another one'),
});

export const taskProgressData = z.strictObject({ milestone: z.number().int().min(1).max(99).describe('The milestone crossed (25, 50 or 75)'), ...counters });

export const articleSavedData = z.strictObject({
  articleId: id,
  position: count,
  title: z.string(),
  promptTokens: count,
  completionTokens: count,
  ...counters,
});

export const articleNotWrittenData = z.strictObject({ position: count, error: z.string(), ...counters });

export const reviewNeededData = z.strictObject({ pendingReview: z.number().int().positive().describe('Live articles of the task in pending_review') });

export const taskFinishedData = z.strictObject({ ...counters, errorMessage: z.string().nullable() });

/** Why a task paused: its account's budget for the period is spent (amounts are exact decimal strings of the currency). */
const budgetReached = {
  reason: z.string().describe('Why the task waits, for people'),
  period: z.enum(['day', 'month']).describe('The budget that was reached: per UTC day or per UTC month'),
  limit: z.string().describe('The budget, a decimal amount of the currency'),
  spent: z.string().describe('Spent in the period when the task paused'),
  currency: z.string(),
  resetsAt: z.string().describe('When the period rolls over and the task resumes by itself (ISO time)'),
};

export const taskPausedData = z.strictObject(budgetReached);

export const taskResumedData = z.strictObject({ reason: z.string().describe('Why the task runs again: the period rolled over or the budget was raised') });

/** Webhook payloads (the `data` of `{ type, timestamp, data }`). */

export const taskFinishedPayload = (status: 'completed' | 'failed' | 'canceled' | 'timeout') =>
  z.strictObject({ taskId: id, status: z.literal(status), ...counters, errorMessage: z.string().nullable() });

export const taskPausedPayload = z.strictObject({ taskId: id, status: z.literal('paused'), ...budgetReached });

export const taskResumedPayload = z.strictObject({ taskId: id, status: z.literal('running'), reason: z.string() });

/** article.saved and article.approved: the article and why it waits for review when the quality gate flagged it. */
export const articlePayload = z.strictObject({
  articleId: id,
  taskId: id.nullable().describe('null when the task was cleaned up before an approval'),
  position: count,
  title: z.string(),
  keyword: z.string(),
  reviewStatus: z.enum(['approved', 'pending_review']),
  reviewReason: z.string().optional().describe('Why a flagged article waits for review (quality check: ...)'),
});

export const reviewNeededPayload = z.strictObject({ taskId: id, pendingReviewCount: z.number().int().positive() });

/** article.published as sent: the article as it stands at its slot. */
export const articlePublishedPayload = z.strictObject({
  articleId: id,
  taskId: id.nullable(),
  position: count,
  distillationId: id.nullable(),
  keyword: z.string(),
  topics: z.array(z.string()),
  title: z.string(),
  content: z.string(),
  imageUrl: z.string().nullable(),
  reviewStatus: z.literal('approved'),
  reviewedAt: jsonTimestamp.nullable(),
  slot: jsonTimestamp.nullable().describe('The publication slot it waited for'),
  jsonLd: z
    .record(z.string(), z.unknown())
    .optional()
    .describe('schema.org JSON-LD built from the article: an Article, and an FAQPage when it answers its questions as headings (absent in deliveries prepared before it existed)'),
});

/** What an article.published outbox row holds until its slot replaces it with the article (never sent as such by current workflows). */
export const publicationStubPayload = z.strictObject({ articleId: id, approvedAt: jsonTimestamp.nullable() });

/** distillation.run.<status>: a distillation run's end, its keywords' counts, its questions and tokens. */
export const distillationRunFinishedPayload = (status: 'completed' | 'failed' | 'canceled') =>
  z.strictObject({
    runId: id,
    status: z.literal(status),
    keywordCount: count.describe('Keywords of the run'),
    doneCount: count.describe('Keywords whose questions were kept'),
    failedCount: count.describe('Keywords that failed for good'),
    canceledCount: count.describe('Keywords left when the run was canceled'),
    questionsAdded: count.describe('Questions that joined the pool as topics'),
    questionsPendingReview: count.describe('Questions waiting for a person to keep or drop them (a run with review)'),
    promptTokens: count,
    completionTokens: count,
    errorMessage: z.string().nullable(),
  });

/**
 * distillation.finished: the notification of a distillation run's end (a `task_events` row with its run_id
 * and no task_id), whatever the status; the same numbers as the webhook.
 */
export const distillationFinishedData = distillationRunFinishedPayload('completed').extend({ status: z.enum(['completed', 'failed', 'canceled']) });

export const webhookTestPayload = z.strictObject({ webhookId: id, url: z.string() });

/**
 * What can happen, by event type: `stream` is the payload of the task event (the `task_events` row
 * behind SSE and notifications), `webhook` the payload of the webhook delivery; a type has one or both
 * (their shapes differ, as they always have). `final` ends the task's stream; `sentOnly` webhook events
 * are not subscribed to (webhook.test on request, article.published to the publishing webhook).
 *
 * Order is the order of lists shown to people (console checkboxes, the API's messages): task events
 * first, then the webhook events in the order the console offers them.
 */
export const EVENTS = {
  'task.started': { summary: 'the task started running', stream: taskStartedData },
  'task.retried': { summary: 'a retry was asked for: the positions to write again', stream: taskRetriedData },
  'task.progress': { summary: 'the task crossed 25, 50 or 75 %', stream: taskProgressData },
  'task.paused': { summary: "the task paused before its next LLM call: its account's budget is spent", stream: taskPausedData, webhook: taskPausedPayload },
  'task.resumed': { summary: 'a paused task runs again (the budget period rolled over or the budget was raised)', stream: taskResumedData, webhook: taskResumedPayload },
  'article.failed': { summary: 'an article failed for good', stream: articleNotWrittenData },
  'article.skipped': { summary: 'an article was skipped (its distillation was deleted or emptied)', stream: articleNotWrittenData },
  'task.completed': { summary: 'the task ended with at least one article', stream: taskFinishedData, webhook: taskFinishedPayload('completed'), final: true },
  'task.failed': { summary: 'the task ended without any article', stream: taskFinishedData, webhook: taskFinishedPayload('failed'), final: true },
  'task.canceled': { summary: 'the task was canceled', stream: taskFinishedData, webhook: taskFinishedPayload('canceled'), final: true },
  'task.timeout': { summary: 'the task ran past its time limit', stream: taskFinishedData, webhook: taskFinishedPayload('timeout'), final: true },
  'article.approved': { summary: 'an article was approved (at its save when the task auto-approves, else by a review)', webhook: articlePayload },
  'article.saved': { summary: 'an article was saved', stream: articleSavedData, webhook: articlePayload },
  'review.needed': { summary: 'the task ended leaving articles in pending_review (just before its final event)', stream: reviewNeededData, webhook: reviewNeededPayload },
  'distillation.run.completed': { summary: 'a distillation run ended with at least one keyword done', webhook: distillationRunFinishedPayload('completed') },
  'distillation.run.failed': { summary: 'a distillation run ended with no keyword done', webhook: distillationRunFinishedPayload('failed') },
  'distillation.run.canceled': { summary: 'a distillation run was canceled', webhook: distillationRunFinishedPayload('canceled') },
  'article.published': { summary: 'an approved article at its publication slot, to the publishing webhook only', webhook: articlePublishedPayload, sentOnly: true },
  'webhook.test': { summary: 'a test event, sent on request to one webhook', webhook: webhookTestPayload, sentOnly: true },
} as const satisfies Record<string, EventDefinition>;

interface EventDefinition {
  /** One line for people: the CLI's help, the OpenAPI document. */
  summary: string;
  stream?: z.ZodType<Record<string, unknown>>;
  webhook?: z.ZodType<Record<string, unknown>>;
  final?: true;
  sentOnly?: true;
}

type Events = typeof EVENTS;
export type EventType = keyof Events;
/** Types that are task events (task_events rows, SSE). */
export type TaskEventType = { [K in EventType]: Events[K] extends { stream: z.ZodType } ? K : never }[EventType];
/** Types that are webhook events, subscribed to or sent on their own terms. */
export type WebhookEventType = { [K in EventType]: Events[K] extends { webhook: z.ZodType } ? K : never }[EventType];
/** Types a webhook can subscribe to. */
export type SubscribableWebhookEventType = Exclude<WebhookEventType, { [K in EventType]: Events[K] extends { sentOnly: true } ? K : never }[EventType]>;
export type FinalEventType = { [K in EventType]: Events[K] extends { final: true } ? K : never }[EventType];

export type TaskEventData<T extends TaskEventType> = z.input<Events[T]['stream']>;
export type WebhookPayload<T extends WebhookEventType> = z.input<Events[T]['webhook']>;

const typesWhere = <T extends EventType>(keep: (d: EventDefinition) => boolean) =>
  (Object.keys(EVENTS) as EventType[]).filter((t) => keep(EVENTS[t])) as T[];

export const TASK_EVENT_TYPES = typesWhere<TaskEventType>((d) => d.stream !== undefined);
export const WEBHOOK_EVENT_TYPES_ALL = typesWhere<WebhookEventType>((d) => d.webhook !== undefined);
/** The events a webhook can subscribe to; `webhook.test` is sent on request only, `article.published` only to the publishing webhook. */
export const WEBHOOK_EVENT_TYPES = typesWhere<SubscribableWebhookEventType>((d) => d.webhook !== undefined && !d.sentOnly) as [
  SubscribableWebhookEventType,
  ...SubscribableWebhookEventType[],
];
/** The final events of a task: it ends with exactly one of these (until a retry starts it again). */
export const FINAL_EVENT_TYPES = typesWhere<FinalEventType>((d) => d.final === true);

/**
 * The events that are also notifications: the task-level ones, not one per article, and a distillation
 * run's end (`distillation.finished`, a row of its run, not of a task). The schema's
 * partial indexes repeat this list literally in this order, so changing it needs a migration.
 */
export const NOTIFICATION_TYPES = ['task.started', 'task.progress', 'task.paused', 'review.needed', ...FINAL_EVENT_TYPES, 'distillation.finished'] as const satisfies readonly (TaskEventType | 'distillation.finished')[];
export type NotificationType = (typeof NOTIFICATION_TYPES)[number];
/** What an account is notified of until it chooses: not every progress milestone, which is noise for most. */
export const DEFAULT_NOTIFICATION_TYPES: readonly NotificationType[] = NOTIFICATION_TYPES.filter((t) => t !== 'task.progress');

/** Whether an event type ends its task (the API's streams, the CLI's watch and the bench stop on it). */
export const isFinalEventType = (type: string): type is FinalEventType => (FINAL_EVENT_TYPES as readonly string[]).includes(type);

export const isTaskEventType = (type: string): type is TaskEventType => (TASK_EVENT_TYPES as readonly string[]).includes(type);
export const isWebhookEventType = (type: string): type is WebhookEventType => (WEBHOOK_EVENT_TYPES_ALL as readonly string[]).includes(type);
