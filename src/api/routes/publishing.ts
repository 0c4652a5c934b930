import { Hono } from 'hono';
import { z } from 'zod';
import { getPublishing, putPublishing, stopPublishing } from '../../domain/webhooks/index.js';
import type { ApiOperation } from '../operation.js';
import { count, id, nullableTimestamp, timestamp } from '../../http/schemas/common.js';
import { publishingInput } from '../../http/schemas/webhook-request.js';
import type { RouteDeps } from '../../http/deps.js';
import type { ApiEnv } from '../types.js';
import { parseJsonBody } from '../../http/validation.js';

const publishingView = z.object({
  webhookId: id,
  url: z.string(),
  intervalMinutes: count,
  lastSlotAt: nullableTimestamp.describe('The latest slot given to an approval'),
  nextSlotAt: timestamp.describe('When an article approved now would be published'),
  updatedAt: timestamp,
});
const answer = z.object({ publishing: publishingView.nullable().describe('null: publishing is off') });
const stopped = z.object({ publishing: z.null(), skippedDeliveries: count.describe('Publications that were waiting for their slot, now skipped') });

/** Publish on approval: approved articles go to one webhook as article.published, one slot per interval. */
export function publishingRoutes({ db, webhooks }: RouteDeps) {
  const clock = { minuteSeconds: webhooks.publishingMinuteSeconds };
  return new Hono<ApiEnv>()
    .get('/', async (c) => c.json(await getPublishing(db, c.get('accountId'), clock)))
    .put('/', async (c) => c.json(await putPublishing(db, c.get('accountId'), await parseJsonBody(c, publishingInput), clock)))
    .delete('/', async (c) => c.json(await stopPublishing(db, c.get('accountId'))));
}

export const publishingOperations: ApiOperation[] = [
  { method: 'get', path: '/', summary: "The account's publishing on approval: its webhook, interval and next slot; null when off", response: answer },
  {
    method: 'put',
    path: '/',
    summary: 'Publish each article approved from now on to this webhook as article.published (the full article), at most one every intervalMinutes',
    body: publishingInput,
    response: answer,
    errors: { 404: ['NOT_FOUND'] },
  },
  { method: 'delete', path: '/', summary: 'Stop publishing: later approvals publish nothing; publications waiting for their slot end skipped', response: stopped },
];
