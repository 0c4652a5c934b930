/** One event vocabulary: each event type with its payload schemas, read by every surface and the outbox. */
export {
  EVENTS,
  FINAL_EVENT_TYPES,
  isFinalEventType,
  isTaskEventType,
  isWebhookEventType,
  NOTIFICATION_TYPES,
  DEFAULT_NOTIFICATION_TYPES,
  distillationFinishedData,
  publicationStubPayload,
  TASK_EVENT_TYPES,
  WEBHOOK_EVENT_TYPES,
  WEBHOOK_EVENT_TYPES_ALL,
  type EventType,
  type FinalEventType,
  type NotificationType,
  type SubscribableWebhookEventType,
  type TaskEventData,
  type TaskEventType,
  type WebhookEventType,
  type WebhookPayload,
} from './vocabulary.js';
export { checkStoredTaskEvent, checkStoredWebhookPayload, checkTaskEventData, checkWebhookPayload, EventPayloadMismatch } from './checks.js';
export { isFinalRunEventType, RUN_EVENT_TYPES, RUN_EVENTS, type RunEventData, type RunEventType } from './run-events.js';
export { articleAttemptFailedData, articleDeltaData, LIVE_EVENT_TYPES, LIVE_EVENTS, type LiveEventData, type LiveEventType } from './live-events.js';
