import { z } from 'zod';
import { Hono } from 'hono';
import { assertTaskOfAccount } from '../../domain/tasks/task-event-queries.js';
import type { EventHub } from '../../http/event-hub.js';
import { respondWithTaskEvents } from '../../http/task-event-stream.js';
import { lastEventId, MAX_EVENT_ID } from '../../http/last-event-id.js';
import type { RouteDeps } from '../../http/deps.js';
import type { ApiEnv } from '../types.js';
import { parseIdParam } from '../../http/validation.js';
import type { ApiOperation } from '../operation.js';
import { EVENTS, LIVE_EVENT_TYPES, LIVE_EVENTS, TASK_EVENT_TYPES } from '../../shared/events/index.js';

export interface TaskEventRouteOptions {
  hub?: EventHub;
  pingMs?: number;
}

/** `GET /:id/events`: the task's events as Server-Sent Events, replayed after Last-Event-ID, then live. */
export function taskEventRoutes({ db, log, streams }: Pick<RouteDeps, 'db' | 'log' | 'streams'>, opts: TaskEventRouteOptions = {}) {
  return new Hono<ApiEnv>().get('/:id/events', async (c) => {
    const accountId = c.get('accountId');
    const taskId = parseIdParam(c);
    const afterId = lastEventId(c);
    await assertTaskOfAccount(db, accountId, taskId);
    const slot = await streams.open(c, accountId, c.get('apiKey').id);
    return respondWithTaskEvents(c, { db, log, accountId, taskId, afterId, pingMs: opts.pingMs, hub: opts.hub, slot });
  });
}

/** The JSON of an event's `data:` line, one shape per type of the event vocabulary; live events (not stored) have no id. */
const streamedMessage = z.union([
  ...TASK_EVENT_TYPES.map((type) =>
    z.strictObject({ id: z.number().int().positive(), taskId: z.number().int().positive(), type: z.literal(type), data: EVENTS[type].stream, createdAt: z.string().meta({ format: 'date-time' }) }),
  ),
  ...LIVE_EVENT_TYPES.map((type) =>
    z.strictObject({ taskId: z.number().int().positive(), type: z.literal(type), data: LIVE_EVENTS[type].data, createdAt: z.string().meta({ format: 'date-time' }) }).describe(LIVE_EVENTS[type].summary),
  ),
]);
const streamedMessageSchema = (() => {
  const json = z.toJSONSchema(streamedMessage, { io: 'output' }) as Record<string, unknown>;
  delete json.$schema;
  return json;
})();

/** One event of the stream, as its `id:`, `event:` and `data:` lines give it (pings are comments, not events). */
const streamedEvent = z.object({
  id: z.string().regex(/^\d{1,15}$/).optional().describe('The event id: what Last-Event-ID resumes after; absent on live events (article.delta, article.attempt_failed), which are never replayed'),
  event: z.enum([...TASK_EVENT_TYPES, ...LIVE_EVENT_TYPES]).describe('The event type; the stream ends after a final one (task.completed, task.failed, task.canceled, task.timeout)'),
  data: z
    .string()
    .meta({ contentMediaType: 'application/json', contentSchema: streamedMessageSchema })
    .describe('The event as JSON: { id, taskId, type, data, createdAt }, data as its type carries it'),
});

export const taskEventOperations: ApiOperation[] = [
  {
    method: 'get',
    path: '/:id/events',
    summary: "The task's events as Server-Sent Events: replayed after Last-Event-ID (header or ?lastEventId=), then live, with each article's text as it is written (article.delta, streaming models)",
    mediaType: 'text/event-stream',
    mediaBodies: { 'text/event-stream': streamedEvent },
    errors: { 400: ['INVALID_LAST_EVENT_ID'], 429: ['TOO_MANY_STREAMS'] },
    parameters: [
      { name: 'Last-Event-ID', in: 'header', required: false, schema: { type: 'integer', minimum: 0, maximum: MAX_EVENT_ID }, description: 'Resume after this event id (EventSource sends it on reconnect)' },
      { name: 'lastEventId', in: 'query', required: false, schema: { type: 'integer', minimum: 0, maximum: MAX_EVENT_ID }, description: 'The same for a first connect; the header wins' },
    ],
    otherResponses: { 204: { description: 'The client already has the final event: nothing more will come' } },
  },
];
