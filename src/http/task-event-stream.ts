import type { Context } from 'hono';
import { streamSSE, type SSEStreamingApi } from 'hono/streaming';
import type { Db } from '../db/client.js';
import type { LiveMessage } from '../domain/live/index.js';
import { latestTaskEvent, listTaskEventsAfter } from '../domain/tasks/task-event-queries.js';
import { isFinalEventType } from '../shared/events/index.js';
import type { Logger } from '../logger.js';
import { eventHubFor, type EventHub } from './event-hub.js';
import type { StreamSlot } from './stream-gate.js';

export const PING_INTERVAL_MS = 15_000;
const BATCH = 200;

export interface TaskEventStreamOptions {
  db: Db;
  log: Logger;
  accountId: number;
  taskId: number;
  /** Events with an id up to this one were already delivered (Last-Event-ID). */
  afterId: number;
  pingMs?: number;
}

/**
 * Sends a task's events to one SSE client. `wake` may be called at any time, also before `run`; every
 * wake-up reads the rows after the last id sent, one drain at a time, so events go out in id order,
 * without gaps or duplicates. This relies on the domain appending a task's events while holding the
 * task row's lock, so a task's event ids become visible in increasing order. `live` sends a live event
 * (article.delta, article.attempt_failed) as it comes, without an SSE id (a reconnect resumes after the
 * last stored event), in one queue with the stored events so what arrived first is written first.
 */
export function createTaskEventStream(o: TaskEventStreamOptions) {
  let lastId = o.afterId;
  let pending = true;
  let draining = false;
  let stream: SSEStreamingApi | null = null;
  let writing: Promise<unknown> = Promise.resolve();
  const send = (out: SSEStreamingApi, message: { id?: string; event: string; data: string }) => {
    const written = writing.then(() => out.writeSSE(message));
    writing = written.catch(() => undefined);
    return written;
  };
  let ended = false;
  let resolveEnded!: () => void;
  const endedPromise = new Promise<void>((resolve) => (resolveEnded = resolve));
  const end = () => {
    if (ended) return;
    ended = true;
    resolveEnded();
  };

  async function drain(out: SSEStreamingApi) {
    if (draining) return;
    draining = true;
    try {
      while (pending && !ended) {
        pending = false;
        for (;;) {
          const rows = await listTaskEventsAfter(o.db, o.accountId, o.taskId, lastId, BATCH);
          for (const e of rows) {
            if (ended) return;
            const message = { id: e.id, taskId: e.taskId, type: e.type, data: e.data, createdAt: e.createdAt };
            await send(out, { id: String(e.id), event: e.type, data: JSON.stringify(message) });
            lastId = e.id;
          }
          if (rows.length === BATCH) continue;
          // The newest event at the time of the read is final: a retried task would have a newer task.started.
          if (isFinalEventType(rows.at(-1)?.type ?? '')) end();
          break;
        }
      }
    } catch (err) {
      o.log.warn({ err, taskId: o.taskId }, 'task event stream failed; the client reconnects with Last-Event-ID');
      end();
    } finally {
      draining = false;
    }
  }

  const wake = () => {
    pending = true;
    if (stream) void drain(stream);
  };
  /** Deltas carry tenant text: only the streams of the task's own account get them (the hub routes by task). */
  const live = (m: LiveMessage) => {
    if (!stream || ended || m.accountId !== o.accountId || m.taskId !== o.taskId) return;
    void send(stream, { event: m.type, data: JSON.stringify({ taskId: m.taskId, type: m.type, data: m.data, createdAt: m.createdAt }) }).catch(() => undefined);
  };
  return {
    wake,
    live,
    /** Streams until a final event was sent or the client went away. */
    async run(out: SSEStreamingApi) {
      stream = out;
      out.onAbort(end);
      const ping = setInterval(() => void out.write(': ping\n\n'), o.pingMs ?? PING_INTERVAL_MS);
      try {
        void drain(out);
        await endedPromise;
      } finally {
        clearInterval(ping);
      }
    },
    end,
  };
}

/**
 * Answers one SSE request for a task's events (the API's and the console's alike) in the stream slot
 * the caller took (released when the answer ends): subscribes before the first read, so nothing
 * committed in between is missed, and answers 204 to a client that already has the final event, which
 * is what stops an EventSource from reconnecting. New events come by NOTIFY and by the hub's one poll.
 */
export async function respondWithTaskEvents(c: Context, o: TaskEventStreamOptions & { hub?: EventHub; slot: StreamSlot }) {
  const events = createTaskEventStream(o);
  let unsubscribe: (() => void) | undefined;
  try {
    unsubscribe = await (o.hub ?? eventHubFor(o.db)).subscribe(o.taskId, events.wake, events.live);
    const latest = o.afterId > 0 ? await latestTaskEvent(o.db, o.accountId, o.taskId) : undefined;
    if (latest && latest.id <= o.afterId && isFinalEventType(latest.type)) {
      unsubscribe();
      await o.slot.release();
      return c.body(null, 204);
    }
  } catch (err) {
    unsubscribe?.();
    await o.slot.release();
    throw err;
  }
  c.header('X-Accel-Buffering', 'no');
  return streamSSE(c, async (stream) => {
    try {
      await events.run(stream);
    } finally {
      unsubscribe();
      await o.slot.release();
    }
  });
}
