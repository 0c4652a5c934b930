import type postgres from 'postgres';
import type { Db } from '../db/client.js';
import { createLiveDecoder, LIVE_CHANNEL, type LiveMessage } from '../domain/live/index.js';
import { TASK_EVENTS_CHANNEL } from '../domain/tasks/task-events.js';

/** Called when the task may have new events: the subscriber reads them from the database. */
export type Wake = () => void;
/** Called with each live event of the task (article.delta, article.attempt_failed): not stored, sent as it comes. */
export type OnLive = (message: LiveMessage) => void;

export interface EventHub {
  /**
   * Registers `wake` (and `live`, for the task's live events) for the task and resolves, with the
   * unsubscribe function, once LISTEN is active.
   */
  subscribe(taskId: number, wake: Wake, live?: OnLive): Promise<() => void>;
  subscriberCount(): number;
}

/**
 * How often the hub looks for events no notification announced. NOTIFY is the fast path; this bounds
 * how late an event can be when a notification never comes (the LISTEN connection lost and not restored).
 */
export const POLL_INTERVAL_MS = 5_000;

export interface EventHubOptions {
  pollMs?: number;
  /** false: no LISTEN, the poll alone (a connection pooler that cannot LISTEN; tests of the poll). */
  listen?: boolean;
}

/**
 * One LISTEN on `task_events` (postgres.js keeps it on a dedicated connection of its own) fanned out to
 * in-process subscribers by task id. The notification is only a wake-up: the events are read from the
 * table, so a lost or coalesced notification loses nothing as long as another one follows. Besides,
 * ONE poll per interval for the whole process reads the newest event id of every subscribed task and
 * wakes only the subscribers of tasks with an event the hub has not heard of: however many streams are
 * open, PostgreSQL sees one query per interval. Live events come on a second channel (LIVE_CHANNEL, on the
 * same LISTEN connection, so a delta arrives before the article.saved that follows it) and go to the
 * task's subscribers as they are: a lost one is not looked for again.
 */
export function createEventHub(sql: postgres.Sql, opts: EventHubOptions = {}): EventHub {
  const byTask = new Map<number, Set<Wake>>();
  const liveByTask = new Map<number, Set<OnLive>>();
  const decodeLive = createLiveDecoder();
  /** Per subscribed task, the newest event id announced or polled. */
  const newest = new Map<number, number>();
  let listening: Promise<unknown> | null = null;
  let poller: NodeJS.Timeout | undefined;
  let polling = false;

  const wakeTask = (taskId: number) => byTask.get(taskId)?.forEach((wake) => wake());
  const wakeAll = () => {
    for (const subscribers of byTask.values()) for (const wake of subscribers) wake();
  };
  const heard = (taskId: number, id: number) => {
    if (byTask.has(taskId) && id > (newest.get(taskId) ?? 0)) newest.set(taskId, id);
  };
  const onNotify = (payload: string) => {
    let message: { taskId?: unknown; id?: unknown };
    try {
      message = JSON.parse(payload) as typeof message;
    } catch {
      return;
    }
    if (typeof message.taskId !== 'number') return;
    if (typeof message.id === 'number') heard(message.taskId, message.id);
    wakeTask(message.taskId);
  };
  const onLive = (payload: string) => {
    const message = decodeLive(payload);
    if (message) liveByTask.get(message.taskId)?.forEach((live) => live(message));
  };
  const poll = async () => {
    if (polling || byTask.size === 0) return;
    polling = true;
    try {
      const rows = await sql<{ task_id: number; id: number }[]>`
        SELECT task_id, max(id)::int AS id FROM task_events WHERE task_id = ANY(${[...byTask.keys()]}::int[]) GROUP BY task_id`;
      for (const row of rows) {
        if (row.id <= (newest.get(row.task_id) ?? -1)) continue;
        heard(row.task_id, row.id);
        wakeTask(row.task_id);
      }
    } catch {
      // The next interval tries again; streams still get notifications meanwhile.
    } finally {
      polling = false;
    }
  };
  // postgres.js re-runs LISTEN after its connection drops and then calls onlisten again: waking everyone
  // then catches up on whatever was committed while nobody listened.
  const listen = () =>
    opts.listen === false
      ? Promise.resolve()
      : (listening ??= Promise.all([sql.listen(TASK_EVENTS_CHANNEL, onNotify, wakeAll), sql.listen(LIVE_CHANNEL, onLive)]).catch((err: unknown) => {
          listening = null;
          throw err;
        }));

  return {
    async subscribe(taskId, wake, live) {
      let subscribers = byTask.get(taskId);
      if (!subscribers) byTask.set(taskId, (subscribers = new Set()));
      subscribers.add(wake);
      let liveSubscribers = liveByTask.get(taskId);
      if (live) {
        if (!liveSubscribers) liveByTask.set(taskId, (liveSubscribers = new Set()));
        liveSubscribers.add(live);
      }
      poller ??= setInterval(() => void poll(), opts.pollMs ?? POLL_INTERVAL_MS).unref();
      const unsubscribe = () => {
        subscribers.delete(wake);
        if (live && liveSubscribers) {
          liveSubscribers.delete(live);
          if (liveSubscribers.size === 0 && liveByTask.get(taskId) === liveSubscribers) liveByTask.delete(taskId);
        }
        if (subscribers.size === 0 && byTask.get(taskId) === subscribers) {
          byTask.delete(taskId);
          newest.delete(taskId);
        }
        if (byTask.size === 0 && poller) {
          clearInterval(poller);
          poller = undefined;
        }
      };
      try {
        await listen();
      } catch (err) {
        unsubscribe();
        throw err;
      }
      return unsubscribe;
    },
    subscriberCount: () => [...byTask.values()].reduce((n, s) => n + s.size, 0),
  };
}

const hubs = new WeakMap<postgres.Sql, EventHub>();

/** The postgres.js client behind a drizzle db. */
function postgresClientOf(db: Db): postgres.Sql {
  const client = (db as Db & { $client?: postgres.Sql }).$client;
  if (typeof client?.listen !== 'function') throw new Error('eventHubFor needs a drizzle postgres-js db (no $client.listen)');
  return client;
}

/** The hub of the postgres.js client behind `db`: one LISTEN connection and one poll per client, made on first use. */
export function eventHubFor(db: Db): EventHub {
  const client = postgresClientOf(db);
  let hub = hubs.get(client);
  if (!hub) hubs.set(client, (hub = createEventHub(client)));
  return hub;
}
