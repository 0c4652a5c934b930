import type postgres from 'postgres';
import type { Db } from '../db/client.js';
import { TASK_EVENTS_CHANNEL } from '../domain/tasks/task-events.js';

/** Called when the task may have new events: the subscriber reads them from the database. */
export type Wake = () => void;

export interface EventHub {
  /** Registers `wake` for the task and resolves, with the unsubscribe function, once LISTEN is active. */
  subscribe(taskId: number, wake: Wake): Promise<() => void>;
  subscriberCount(): number;
}

/**
 * One LISTEN on `task_events` (postgres.js keeps it on a dedicated connection of its own) fanned out to
 * in-process subscribers by task id. The notification is only a wake-up: the events are read from the
 * table, so a lost or coalesced notification loses nothing as long as another one follows.
 */
export function createEventHub(sql: postgres.Sql): EventHub {
  const byTask = new Map<number, Set<Wake>>();
  let listening: Promise<unknown> | null = null;

  const wakeAll = () => {
    for (const subscribers of byTask.values()) for (const wake of subscribers) wake();
  };
  const onNotify = (payload: string) => {
    let taskId: unknown;
    try {
      taskId = (JSON.parse(payload) as { taskId?: unknown }).taskId;
    } catch {
      return;
    }
    if (typeof taskId === 'number') byTask.get(taskId)?.forEach((wake) => wake());
  };
  // postgres.js re-runs LISTEN after its connection drops and then calls onlisten again: waking everyone
  // then catches up on whatever was committed while nobody listened.
  const listen = () =>
    (listening ??= sql.listen(TASK_EVENTS_CHANNEL, onNotify, wakeAll).catch((err: unknown) => {
      listening = null;
      throw err;
    }));

  return {
    async subscribe(taskId, wake) {
      let subscribers = byTask.get(taskId);
      if (!subscribers) byTask.set(taskId, (subscribers = new Set()));
      subscribers.add(wake);
      const unsubscribe = () => {
        subscribers.delete(wake);
        if (subscribers.size === 0 && byTask.get(taskId) === subscribers) byTask.delete(taskId);
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

/** The hub of the postgres.js client behind `db`: one LISTEN connection per client, made on first use. */
export function eventHubFor(db: Db): EventHub {
  const client = (db as Db & { $client?: postgres.Sql }).$client;
  if (typeof client?.listen !== 'function') throw new Error('eventHubFor needs a drizzle postgres-js db (no $client.listen)');
  let hub = hubs.get(client);
  if (!hub) hubs.set(client, (hub = createEventHub(client)));
  return hub;
}
