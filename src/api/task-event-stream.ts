import type { SSEStreamingApi } from 'hono/streaming';
import type { Db } from '../db/client.js';
import { listTaskEventsAfter } from '../domain/tasks/task-event-queries.js';
import { isFinalEventType } from '../shared/notification-types.js';
import type { Logger } from '../logger.js';

export const PING_INTERVAL_MS = 15_000;
/**
 * How often a stream reads new events without being woken. NOTIFY is the fast path; this bounds how
 * late an event can be when a notification never comes (the LISTEN connection lost and not restored).
 */
export const RECHECK_INTERVAL_MS = 5_000;
const BATCH = 200;

export interface TaskEventStreamOptions {
  db: Db;
  log: Logger;
  accountId: number;
  taskId: number;
  /** Events with an id up to this one were already delivered (Last-Event-ID). */
  afterId: number;
  pingMs?: number;
  recheckMs?: number;
}

/**
 * Sends a task's events to one SSE client. `wake` may be called at any time, also before `run`; every
 * wake-up reads the rows after the last id sent, one drain at a time, so events go out in id order,
 * without gaps or duplicates. This relies on the domain appending a task's events while holding the
 * task row's lock, so a task's event ids become visible in increasing order.
 */
export function createTaskEventStream(o: TaskEventStreamOptions) {
  let lastId = o.afterId;
  let pending = true;
  let draining = false;
  let stream: SSEStreamingApi | null = null;
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
            await out.writeSSE({ id: String(e.id), event: e.type, data: JSON.stringify(message) });
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
  return {
    wake,
    /** Streams until a final event was sent or the client went away. */
    async run(out: SSEStreamingApi) {
      stream = out;
      out.onAbort(end);
      const ping = setInterval(() => void out.write(': ping\n\n'), o.pingMs ?? PING_INTERVAL_MS);
      const recheck = setInterval(wake, o.recheckMs ?? RECHECK_INTERVAL_MS);
      try {
        void drain(out);
        await endedPromise;
      } finally {
        clearInterval(ping);
        clearInterval(recheck);
      }
    },
    end,
  };
}
