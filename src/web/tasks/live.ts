import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { eventHubFor } from '../../http/event-hub.js';
import { PING_INTERVAL_MS, respondWithTaskEvents } from '../../http/task-event-stream.js';
import type { RouteDeps } from '../../http/deps.js';
import { parseIdParam } from '../../http/validation.js';
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
 * key), under the same stream caps as the API's (the session's key holds the slot). `/tasks?ids=`: ONE
 * stream for a whole task list, a `progress` event whenever a listed task's counts or status change,
 * woken by the same NOTIFY and poll as the task streams; it ends once every listed task is finished.
 * `/tasks/:id/events`: the task's own events, the API's stream with Last-Event-ID.
 */
export function liveRoutes({ db, log, streams }: Pick<RouteDeps, 'db' | 'log' | 'streams'>) {
  return new Hono<WebEnv>()
    .get('/tasks', async (c) => {
      const { accountId, keyId } = c.get('session');
      const ids = idList(c.req.query('ids'));
      const hub = eventHubFor(db);
      const slot = await streams.open(c, accountId, keyId);
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
        const unsubscribes: (() => void)[] = [];
        const ping = setInterval(() => void stream.write(': ping\n\n'), PING_INTERVAL_MS);
        try {
          for (const id of ids) unsubscribes.push(await hub.subscribe(id, () => void read()));
          void read();
          await finished;
        } finally {
          clearInterval(ping);
          for (const unsubscribe of unsubscribes) unsubscribe();
          await slot.release();
        }
      });
    })
    .get('/tasks/:id/events', async (c) => {
      const { accountId, keyId } = c.get('session');
      const taskId = parseIdParam(c);
      await assertTaskOfAccount(db, accountId, taskId);
      const header = c.req.header('last-event-id')?.trim() ?? '';
      const afterId = /^\d{1,15}$/.test(header) ? Number(header) : 0;
      const slot = await streams.open(c, accountId, keyId);
      return respondWithTaskEvents(c, { db, log, accountId, taskId, afterId, slot });
    });
}
