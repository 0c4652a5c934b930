import { Hono } from 'hono';
import { z } from 'zod';
import { WEBHOOK_DELIVERY_STATUSES } from '../../db/schema.js';
import { WEBHOOK_EVENT_TYPES } from '../../shared/events/index.js';
import { createWebhook, deleteWebhook, listDeliveries, listWebhooks } from '../../domain/webhooks/index.js';
import { webhookSender } from '../../temporal/webhook-sender.js';
import type { ApiOperation } from '../operation.js';
import { count, id, nullableTimestamp, paged, timestamp } from '../../http/schemas/common.js';
import { deliveryQuery, newWebhookInput } from '../../http/schemas/webhook-request.js';
import type { RouteDeps } from '../../http/deps.js';
import type { ApiEnv } from '../types.js';
import { pagination, parseIdParam, parseJsonBody, parseQuery } from '../../http/validation.js';

const webhookView = z.object({ id, url: z.string(), events: z.array(z.string()), createdAt: timestamp });
const createdWebhook = webhookView.extend({ secret: z.string().describe('Shown only in this answer: keep it to verify webhook-signature') });

const deliveryStatus = z.enum(WEBHOOK_DELIVERY_STATUSES);
const deliveryView = z.object({
  id,
  webhookId: id,
  messageId: z.string().describe('The webhook-id header: the same on every attempt and redelivery'),
  eventType: z.string(),
  status: deliveryStatus,
  attemptCount: count,
  lastResponseStatus: z.number().int().nullable(),
  lastError: z.string().nullable().describe('The last failure, or why a publication was skipped'),
  notBefore: nullableTimestamp.describe("A publication's slot: it is not sent before this time"),
  createdAt: timestamp,
  completedAt: nullableTimestamp,
});
const attemptView = z.object({
  attempt: id,
  status: z.enum(['succeeded', 'failed']),
  responseStatus: z.number().int().nullable(),
  durationMs: count,
  error: z.string().nullable(),
  createdAt: timestamp,
});

/** The account's webhook endpoints: subscribe, list, delete, send a test event. */
export function webhookRoutes(deps: RouteDeps) {
  const { db, webhooks } = deps;
  const send = webhookSender(deps);
  return new Hono<ApiEnv>()
    .post('/', async (c) => {
      const input = await parseJsonBody(c, newWebhookInput);
      return c.json(await createWebhook(db, c.get('accountId'), input, { allowPrivateTargets: webhooks.allowPrivateTargets, sealer: deps.codec }), 201);
    })
    .get('/', async (c) => c.json(await listWebhooks(db, c.get('accountId'), parseQuery(c, pagination))))
    .delete('/:id', async (c) => c.json(await deleteWebhook(db, c.get('accountId'), parseIdParam(c))))
    .post('/:id/test', async (c) => c.json(await send.test(c.get('accountId'), parseIdParam(c)), 202));
}

/** The delivery log and redelivery. */
export function webhookDeliveryRoutes(deps: RouteDeps) {
  const send = webhookSender(deps);
  return new Hono<ApiEnv>()
    .get('/', async (c) => c.json(await listDeliveries(deps.db, c.get('accountId'), parseQuery(c, deliveryQuery))))
    .post('/:id/redeliver', async (c) => c.json(await send.redeliver(c.get('accountId'), parseIdParam(c)), 202));
}

export const webhookOperations: ApiOperation[] = [
  {
    method: 'post',
    path: '/',
    summary: `Subscribe a URL to events (${WEBHOOK_EVENT_TYPES.join(', ')}); deliveries are signed like Standard Webhooks with the secret, shown only here`,
    body: newWebhookInput,
    status: 201,
    response: createdWebhook,
    errors: { 400: ['WEBHOOK_TARGET_NOT_ALLOWED', 'INVALID_WEBHOOK_SECRET'] },
  },
  { method: 'get', path: '/', summary: "The account's webhooks, newest first; never a secret", query: pagination, response: paged('webhooks', webhookView) },
  { method: 'delete', path: '/:id', summary: 'Delete a webhook: no new deliveries, its pending ones end failed at their next attempt; its delivery log stays', response: webhookView },
  { method: 'post', path: '/:id/test', summary: 'Send a webhook.test event to this webhook; answers its delivery', status: 202, response: deliveryView },
];

export const webhookDeliveryOperations: ApiOperation[] = [
  {
    method: 'get',
    path: '/',
    summary: 'The delivery log, newest first: each delivery with its status and every attempt (response code, duration, error)',
    query: deliveryQuery,
    response: paged('deliveries', deliveryView.extend({ attempts: z.array(attemptView) })),
  },
  {
    method: 'post',
    path: '/:id/redeliver',
    summary: 'Send a succeeded, failed or skipped delivery again, with the same webhook-id; answers the delivery',
    status: 202,
    response: deliveryView,
    errors: { 409: ['DELIVERY_IN_PROGRESS'] },
  },
];
