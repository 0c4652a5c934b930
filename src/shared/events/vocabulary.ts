import type { z } from 'zod';
import * as p from './payloads.js';

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
  'task.started': { summary: 'the task started running', stream: p.taskStartedData },
  'task.retried': { summary: 'a retry was asked for: the positions to write again', stream: p.taskRetriedData },
  'task.progress': { summary: 'the task crossed 25, 50 or 75 %', stream: p.taskProgressData },
  'article.failed': { summary: 'an article failed for good', stream: p.articleNotWrittenData },
  'article.skipped': { summary: 'an article was skipped (its distillation was deleted or emptied)', stream: p.articleNotWrittenData },
  'task.completed': { summary: 'the task ended with at least one article', stream: p.taskFinishedData, webhook: p.taskFinishedPayload('completed'), final: true },
  'task.failed': { summary: 'the task ended without any article', stream: p.taskFinishedData, webhook: p.taskFinishedPayload('failed'), final: true },
  'task.canceled': { summary: 'the task was canceled', stream: p.taskFinishedData, webhook: p.taskFinishedPayload('canceled'), final: true },
  'task.timeout': { summary: 'the task ran past its time limit', stream: p.taskFinishedData, webhook: p.taskFinishedPayload('timeout'), final: true },
  'article.approved': { summary: 'an article was approved (at its save when the task auto-approves, else by a review)', webhook: p.articlePayload },
  'article.saved': { summary: 'an article was saved', stream: p.articleSavedData, webhook: p.articlePayload },
  'review.needed': { summary: 'the task ended leaving articles in pending_review (just before its final event)', stream: p.reviewNeededData, webhook: p.reviewNeededPayload },
  'article.published': { summary: 'an approved article at its publication slot, to the publishing webhook only', webhook: p.articlePublishedPayload, sentOnly: true },
  'webhook.test': { summary: 'a test event, sent on request to one webhook', webhook: p.webhookTestPayload, sentOnly: true },
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
 * The events that are also notifications: the task-level ones, not one per article. The schema's
 * partial indexes repeat this list literally in this order, so changing it needs a migration.
 */
export const NOTIFICATION_TYPES = ['task.started', 'task.progress', 'review.needed', ...FINAL_EVENT_TYPES] as const satisfies readonly TaskEventType[];
export type NotificationType = (typeof NOTIFICATION_TYPES)[number];

/** Whether an event type ends its task (the API's streams, the CLI's watch and the bench stop on it). */
export const isFinalEventType = (type: string): type is FinalEventType => (FINAL_EVENT_TYPES as readonly string[]).includes(type);

export const isTaskEventType = (type: string): type is TaskEventType => (TASK_EVENT_TYPES as readonly string[]).includes(type);
export const isWebhookEventType = (type: string): type is WebhookEventType => (WEBHOOK_EVENT_TYPES_ALL as readonly string[]).includes(type);
