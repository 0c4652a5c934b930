import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { eventHubFor } from '../../api/event-hub.js';
import { PING_INTERVAL_MS, RECHECK_INTERVAL_MS, respondWithTaskEvents } from '../../api/task-event-stream.js';
import type { ApiDeps } from '../../api/types.js';
import { parseIdParam } from '../../api/validation.js';
import { isTerminal } from '../../domain/tasks/task-lifecycle.js';
import { assertTaskOfAccount } from '../../domain/tasks/task-event-queries.js';
import { taskProgressByIds } from '../../domain/tasks/task-progress.js';
import type { WebEnv } from '../context.js';

/** At most this many tasks per account-wide stream: the list page shows 50. */
const MAX_LIVE_TASKS = 100;

function idList(raw: string | undefined) {
  const ids = (raw ?? '').split(',').map((s) => Number(s)).filter((n) => Number.isInteger(n) && n > 0 && n <= 2147483647);
  return [...new Set(ids)].slice(0, MAX_LIVE_TASKS);
}

/**
 * The console's event streams, authenticated by the session cookie (an EventSource cannot send a bearer
 * key). `/tasks?ids=`: ONE stream for a whole task list, a `progress` event whenever a listed task's
 * counts or status change, woken by the same NOTIFY as the task streams; it ends once every listed task
 * is finished. `/tasks/:id/events`: the task's own events, the API's stream with Last-Event-ID.
 */
export function liveRoutes({ db, log }: ApiDeps) {
  return new Hono<WebEnv>()
    .get('/tasks', async (c) => {
      const accountId = c.get('session').accountId;
      const ids = idList(c.req.query('ids'));
      const hub = eventHubFor(db);
      c.header('X-Accel-Buffering', 'no');
      return streamSSE(c, async (stream) => {
        const sent = new Map<number, string>();
        let reading = false;
        let again = false;
        let done!: () => void;
        const finished = new Promise<void>((resolve) => (done = resolve));
        const read = async () => {
          if (reading) return void (again = true);
          reading = true;
          try {
            do {
              again = false;
              const rows = await taskProgressByIds(db, accountId, ids);
              for (const row of rows) {
                const json = JSON.stringify(row);
                if (sent.get(row.id) === json) continue;
                sent.set(row.id, json);
                await stream.writeSSE({ event: 'progress', data: json });
              }
              if (rows.every((r) => isTerminal(r.status))) done();
            } while (again);
          } catch (err) {
            log.warn({ err }, 'console task list stream failed; the browser reconnects');
            done();
          } finally {
            reading = false;
          }
        };
        stream.onAbort(done);
        const unsubscribes = await Promise.all(ids.map((id) => hub.subscribe(id, () => void read())));
        const ping = setInterval(() => void stream.write(': ping\n\n'), PING_INTERVAL_MS);
        const recheck = setInterval(() => void read(), RECHECK_INTERVAL_MS);
        try {
          void read();
          await finished;
        } finally {
          clearInterval(ping);
          clearInterval(recheck);
          for (const unsubscribe of unsubscribes) unsubscribe();
        }
      });
    })
    .get('/tasks/:id/events', async (c) => {
      const accountId = c.get('session').accountId;
      const taskId = parseIdParam(c);
      await assertTaskOfAccount(db, accountId, taskId);
      const header = c.req.header('last-event-id')?.trim() ?? '';
      const afterId = /^\d{1,15}$/.test(header) ? Number(header) : 0;
      return respondWithTaskEvents(c, { db, log, accountId, taskId, afterId });
    });
}
