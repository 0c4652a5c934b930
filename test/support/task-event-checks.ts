import { expect } from 'vitest';
import type { Database } from '../../src/db/client.js';
import type { SseMessage } from './sse.js';
import { checkStoredTaskEvent, checkStoredWebhookPayload } from '../../src/shared/events/index.js';

export interface ReceivedEvent {
  sseId: string | undefined;
  event: string;
  body: { id: number; taskId: number; type: string; data: Record<string, any>; createdAt: string };
}

export const decodeEvent = (m: SseMessage): ReceivedEvent => ({ sseId: m.id, event: m.event, body: JSON.parse(m.data) });

/** Checks the SSE framing of every message and that ids strictly increase. */
export function expectWellFormed(received: ReceivedEvent[], taskId: number) {
  for (const [i, r] of received.entries()) {
    expect(r.sseId).toBe(String(r.body.id));
    expect(r.event).toBe(r.body.type);
    expect(r.body.taskId).toBe(taskId);
    expect(new Date(r.body.createdAt).getTime()).not.toBeNaN();
    if (i > 0) expect(r.body.id).toBeGreaterThan(received[i - 1]!.body.id);
  }
}

export async function storedEvents(database: Database, taskId: number) {
  return database.sql<{ id: number; type: string }[]>`SELECT id::int AS id, type FROM task_events WHERE task_id = ${taskId} ORDER BY id`;
}

export async function taskRow(database: Database, taskId: number) {
  const [row] = await database.sql<{ status: string; generated_count: number }[]>`
    SELECT status, generated_count FROM generation_tasks WHERE id = ${taskId}`;
  return row!;
}

/**
 * Every task event and outbox payload of the account, checked against the event vocabulary: the ones
 * built in SQL (a save's events and deliveries, publications) are not checked when written, so tests
 * that make them check them here. Returns how many of each were checked.
 */
export async function expectPayloadsMatchVocabulary(database: Database, accountId: number) {
  const events = await database.sql<{ type: string; data: unknown }[]>`SELECT type, data FROM task_events WHERE account_id = ${accountId}`;
  const deliveries = await database.sql<{ event_type: string; payload: unknown }[]>`
    SELECT event_type, payload FROM webhook_deliveries WHERE account_id = ${accountId}`;
  const mismatches: string[] = [];
  const collect = (check: () => void) => {
    try {
      check();
    } catch (err) {
      mismatches.push((err as Error).message);
    }
  };
  for (const e of events) collect(() => checkStoredTaskEvent(e.type, e.data));
  for (const d of deliveries) collect(() => checkStoredWebhookPayload(d.event_type, d.payload));
  expect(mismatches).toEqual([]);
  return { events: events.length, deliveries: deliveries.length, types: [...new Set([...events.map((e) => e.type), ...deliveries.map((d) => d.event_type)])].sort() };
}
