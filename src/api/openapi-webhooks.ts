import { z } from 'zod';
import { EVENTS, WEBHOOK_EVENT_TYPES_ALL, type WebhookEventType } from '../shared/events/index.js';

/** The Standard Webhooks headers every delivery carries. */
const SIGNATURE_HEADERS = [
  { name: 'webhook-id', in: 'header', required: true, schema: { type: 'string', pattern: '^msg_[0-9a-f]{32}$' }, description: 'The message id: the same on every attempt and redelivery; deduplicate by it' },
  { name: 'webhook-timestamp', in: 'header', required: true, schema: { type: 'string', pattern: '^\\d+$' }, description: 'Unix seconds of this attempt' },
  { name: 'webhook-signature', in: 'header', required: true, schema: { type: 'string', pattern: '^v1,' }, description: 'v1,<base64 HMAC-SHA256 of "id.timestamp.body"> keyed with the base64-decoded part of the whsec_ secret' },
];

/** The body of a delivery: Standard Webhooks' `{ type, timestamp, data }`, `data` the event's payload from the vocabulary. */
const deliveryBody = (type: WebhookEventType) =>
  z.strictObject({
    type: z.literal(type),
    timestamp: z.string().meta({ format: 'date-time', description: 'When the event was put into the outbox (the same on every attempt)' }),
    data: EVENTS[type].webhook,
  });

const operationId = (type: string) => `webhook${type.replace(/(^|\.)(\w)/g, (_, __, c: string) => c.toUpperCase())}`;

/**
 * OpenAPI 3.1's `webhooks`: one entry per webhook event type, the request this service POSTs to a
 * subscribed URL, with the payload schema of the event vocabulary (src/shared/events).
 */
export function webhookDocuments(): Record<string, unknown> {
  return Object.fromEntries(
    WEBHOOK_EVENT_TYPES_ALL.map((type) => {
      const body = z.toJSONSchema(deliveryBody(type), { io: 'output', unrepresentable: 'any' }) as Record<string, unknown>;
      delete body.$schema;
      const post = {
        tags: ['Webhooks'],
        summary: `${type}: ${EVENTS[type].summary}`,
        operationId: operationId(type),
        parameters: SIGNATURE_HEADERS,
        requestBody: { required: true, content: { 'application/json': { schema: body } } },
        responses: { '2XX': { description: 'Received; any other answer (or none) is retried with backoff for 24 h' } },
      };
      return [type, { post }];
    }),
  );
}
