import type { z } from 'zod';
import { distillationFinishedData, EVENTS, publicationStubPayload, type TaskEventData, type TaskEventType, type WebhookEventType, type WebhookPayload } from './vocabulary.js';

/** A writer built a payload its event's schema does not describe: a bug in the writer or the schema. */
export class EventPayloadMismatch extends Error {
  override readonly name = 'EventPayloadMismatch';
}

/** Names the fields and the rules they broke, never the values (they may be user content). */
function check(schema: z.ZodType, what: string, payload: unknown) {
  const result = schema.safeParse(payload);
  if (result.success) return;
  const issues = result.error.issues.map((i) => `${i.path.join('.') || '(payload)'}: ${i.message}`).join('; ');
  throw new EventPayloadMismatch(`${what} does not match its schema in src/shared/events: ${issues}`);
}

/** Throws unless `data` is what the vocabulary says a `type` task event carries; returns it unchanged. */
export function checkTaskEventData<T extends TaskEventType>(type: T, data: TaskEventData<T>): TaskEventData<T> {
  check(EVENTS[type].stream, `task event ${type}`, data);
  return data;
}

/** Throws unless `payload` is what the vocabulary says a `type` webhook carries; returns it unchanged. */
export function checkWebhookPayload<T extends WebhookEventType>(type: T, payload: WebhookPayload<T>): WebhookPayload<T> {
  check(EVENTS[type].webhook, `webhook event ${type}`, payload);
  return payload;
}

/**
 * Checks a stored outbox row, whose type is a column: an article.published row holds its stub until
 * its slot. Throws on an unknown type too.
 */
export function checkStoredWebhookPayload(type: string, payload: unknown) {
  if (type === 'article.published' && publicationStubPayload.safeParse(payload).success) return;
  const def = (EVENTS as Record<string, { webhook?: z.ZodType }>)[type];
  if (!def?.webhook) throw new EventPayloadMismatch(`webhook event ${type} is not in the vocabulary (src/shared/events)`);
  check(def.webhook, `webhook event ${type}`, payload);
}

/** Checks a stored task_events row; throws on an unknown type too. */
export function checkStoredTaskEvent(type: string, data: unknown) {
  if (type === 'distillation.finished') return check(distillationFinishedData, 'notification distillation.finished', data);
  const def = (EVENTS as Record<string, { stream?: z.ZodType }>)[type];
  if (!def?.stream) throw new EventPayloadMismatch(`task event ${type} is not in the vocabulary (src/shared/events)`);
  check(def.stream, `task event ${type}`, data);
}
