import { z } from 'zod';
import { WEBHOOK_DELIVERY_STATUSES } from '../../db/schema.js';
import { WEBHOOK_EVENT_TYPES } from '../../shared/events/index.js';
import { MAX_PUBLISHING_INTERVAL_MINUTES } from '../../domain/webhooks/index.js';
import { pagination } from '../validation.js';
import { idField, idQueryField } from './input-rules.js';

/** The requests of the webhook, delivery-log and publishing routes: the same rules in the API and the console's forms. */
/**
 * What checkWebhookSecret accepts, for the document: 'whsec_' + padded base64 of 24 to 64 bytes (8 to 21
 * groups of four characters, the last group of 21 holding one byte). The route checks it (400 INVALID_WEBHOOK_SECRET).
 */
const B64 = '[A-Za-z0-9+/]';
const WEBHOOK_SECRET_PATTERN = `^whsec_(?:(?:${B64}{4}){8,20}(?:${B64}{2}==|${B64}{3}=)?|(?:${B64}{4}){21}(?:${B64}{2}==)?)$`;

const eventType = z.enum(WEBHOOK_EVENT_TYPES, { message: `each event must be one of ${WEBHOOK_EVENT_TYPES.join(', ')}` });

export const newWebhookInput = z.object({
  url: z.string().min(1, 'url must not be empty').max(2048, 'url must be at most 2048 characters').describe('http(s) URL on a public address'),
  events: z.array(eventType).min(1, 'events needs at least one event type').max(WEBHOOK_EVENT_TYPES.length * 2),
  secret: z
    .string()
    .max(200, 'secret must be at most 200 characters')
    .meta({ pattern: WEBHOOK_SECRET_PATTERN })
    .optional()
    .describe("'whsec_' + base64 of a 24-64 byte key; generated when omitted"),
});

export const deliveryQuery = pagination.extend({
  webhookId: idQueryField('webhookId').optional(),
  status: z.enum(WEBHOOK_DELIVERY_STATUSES, { message: `status must be one of ${WEBHOOK_DELIVERY_STATUSES.join(', ')}` }).optional(),
});

const intervalMessage = `intervalMinutes must be a whole number from 0 to ${MAX_PUBLISHING_INTERVAL_MINUTES} (0: publish each article as it is approved)`;
export const publishingInput = z.object({
  webhookId: idField('webhookId').describe("The account's webhook that receives article.published"),
  intervalMinutes: z
    .number({ message: intervalMessage })
    .int(intervalMessage)
    .min(0, intervalMessage)
    .max(MAX_PUBLISHING_INTERVAL_MINUTES, intervalMessage)
    .describe('Least minutes between two publications; 0: each as it is approved'),
});
