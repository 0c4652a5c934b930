import type { Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { Db } from '../db/client.js';
import { latestRunEvent, listRunEventsAfter } from '../domain/distillations/runs/run-queries.js';
import type { Logger } from '../logger.js';
import { isFinalRunEventType } from '../shared/events/index.js';
import type { StreamSlot } from './stream-gate.js';
import { PING_INTERVAL_MS } from './task-event-stream.js';

const BATCH = 200;
/** A run's events come a few per second at most: its stream reads them by polling. */
export const RUN_EVENT_POLL_MS = 300;

export interface RunEventStreamOptions {
  db: Db;
  log: Logger;
  accountId: number;
  runId: number;
  /** Events up to this id were delivered already (Last-Event-ID). */
  afterId: number;
  slot: StreamSlot;
  pollMs?: number;
}

/**
 * Answers one SSE request for a run's events (the API's and the console's alike): the events after
 * Last-Event-ID, then new ones as they are appended, until a final one (distillation.run.completed,
 * .failed, .canceled) was sent or the client left; 204 to a client that has the final event already. Each message is `{ id, runId, type, data, createdAt }`.
 */
export async function respondWithRunEvents(c: Context, o: RunEventStreamOptions) {
  const [latest] = o.afterId > 0 ? await latestRunEvent(o.db, o.accountId, o.runId) : [];
  if (latest && latest.id <= o.afterId && isFinalRunEventType(latest.type)) {
    await o.slot.release();
    return c.body(null, 204);
  }
  c.header('X-Accel-Buffering', 'no');
  return streamSSE(c, async (out) => {
    let lastId = o.afterId;
    let gone = false;
    out.onAbort(() => {
      gone = true;
    });
    let lastWrite = Date.now();
    try {
      while (!gone) {
        const rows = await listRunEventsAfter(o.db, o.accountId, o.runId, lastId, BATCH);
        for (const e of rows) {
          await out.writeSSE({ id: String(e.id), event: e.type, data: JSON.stringify(e) });
          lastId = e.id;
          lastWrite = Date.now();
          if (isFinalRunEventType(e.type)) return;
        }
        if (rows.length === BATCH) continue;
        if (Date.now() - lastWrite >= PING_INTERVAL_MS) {
          await out.write(': ping\n\n');
          lastWrite = Date.now();
        }
        await out.sleep(o.pollMs ?? RUN_EVENT_POLL_MS);
      }
    } catch (err) {
      o.log.warn({ err, runId: o.runId }, 'run event stream failed; the client reconnects with Last-Event-ID');
    } finally {
      await o.slot.release();
    }
  });
}
