import type { Context } from 'hono';
import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { AppError } from '../../domain/errors.js';
import { assertTaskOfAccount, latestTaskEvent } from '../../domain/tasks/task-event-queries.js';
import { isFinalEventType } from '../../shared/notification-types.js';
import { eventHubFor, type EventHub } from '../event-hub.js';
import { createTaskEventStream } from '../task-event-stream.js';
import type { ApiDeps, ApiEnv } from '../types.js';
import { parseIdParam } from '../validation.js';
import type { ApiOperation } from '../openapi.js';

export interface TaskEventRouteOptions {
  hub?: EventHub;
  pingMs?: number;
  recheckMs?: number;
}

/** `Last-Event-ID` (EventSource reconnects) wins over `?lastEventId=` (the first connect); 0 when neither. */
function lastEventId(c: Context): number {
  const header = c.req.header('last-event-id')?.trim();
  const value = header || c.req.query('lastEventId')?.trim() || '0';
  if (!/^\d{1,15}$/.test(value)) {
    throw new AppError(400, 'INVALID_LAST_EVENT_ID', `Last-Event-ID (header or ?lastEventId=) must be a non-negative integer event id, got '${value}'.`, { lastEventId: value });
  }
  return Number(value);
}

/** `GET /:id/events`: the task's events as Server-Sent Events, replayed after Last-Event-ID, then live. */
export function taskEventRoutes({ db, log }: ApiDeps, opts: TaskEventRouteOptions = {}) {
  return new Hono<ApiEnv>().get('/:id/events', async (c) => {
    const accountId = c.get('accountId');
    const taskId = parseIdParam(c);
    const afterId = lastEventId(c);
    await assertTaskOfAccount(db, accountId, taskId);

    const events = createTaskEventStream({ db, log, accountId, taskId, afterId, pingMs: opts.pingMs, recheckMs: opts.recheckMs });
    // Subscribe before the first read, so nothing committed in between is missed.
    const unsubscribe = await (opts.hub ?? eventHubFor(db)).subscribe(taskId, events.wake);
    try {
      // The client already has the final event: 204 is what stops an EventSource from reconnecting.
      const latest = afterId > 0 ? await latestTaskEvent(db, accountId, taskId) : undefined;
      if (latest && latest.id <= afterId && isFinalEventType(latest.type)) {
        unsubscribe();
        return c.body(null, 204);
      }
    } catch (err) {
      unsubscribe();
      throw err;
    }
    c.header('X-Accel-Buffering', 'no');
    return streamSSE(c, async (stream) => {
      try {
        await events.run(stream);
      } finally {
        unsubscribe();
      }
    });
  });
}

export const taskEventOperations: ApiOperation[] = [
  {
    method: 'get',
    path: '/:id/events',
    summary: "The task's events as Server-Sent Events: replayed after Last-Event-ID (header or ?lastEventId=), then live",
    mediaType: 'text/event-stream',
    errors: { 400: ['INVALID_LAST_EVENT_ID'] },
    parameters: [
      { name: 'Last-Event-ID', in: 'header', required: false, schema: { type: 'integer', minimum: 0 }, description: 'Resume after this event id (EventSource sends it on reconnect)' },
      { name: 'lastEventId', in: 'query', required: false, schema: { type: 'integer', minimum: 0 }, description: 'The same for a first connect; the header wins' },
    ],
    otherResponses: { 204: { description: 'The client already has the final event: nothing more will come' } },
  },
];
