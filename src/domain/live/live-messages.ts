import type { LiveEventData, LiveEventType } from '../../shared/events/index.js';

/** The NOTIFY channel of live events: worker -> every API process, never stored. */
export const LIVE_CHANNEL = 'task_live';

/** PostgreSQL refuses a NOTIFY payload of 8000 bytes or more; a part stays well below it. */
export const MAX_PAYLOAD_BYTES = 7_800;

/** A live event for one task's streams, as the API processes fan it out. */
export type LiveMessage = {
  [T in LiveEventType]: { accountId: number; taskId: number; type: T; data: LiveEventData<T>; createdAt: string };
}[LiveEventType];

/** What one NOTIFY carries: a live event, or one part of a delta too large for one payload. */
interface Wire {
  accountId: number;
  taskId: number;
  type: LiveEventType;
  position: number;
  attempt: number;
  at: number;
  offset?: number;
  text?: string;
  part?: number;
  parts?: number;
  reason?: 'failed' | 'refused';
}

export interface LiveTarget {
  accountId: number;
  taskId: number;
  position: number;
  attempt: number;
}

const encoder = new TextEncoder();
const bytes = (s: string) => encoder.encode(s).length;

/**
 * The NOTIFY payloads of one delta: one, or several parts (each under MAX_PAYLOAD_BYTES, cut between code
 * points) that a single statement sends in order, so they arrive together and the API joins them again.
 */
export function deltaPayloads(target: LiveTarget, offset: number, text: string, at = Date.now()): string[] {
  const head = { ...target, type: 'article.delta' as const, at };
  const whole = JSON.stringify({ ...head, offset, text });
  if (bytes(whole) < MAX_PAYLOAD_BYTES) return [whole];
  const room = MAX_PAYLOAD_BYTES - bytes(JSON.stringify({ ...head, offset, text: '', part: 999_999, parts: 999_999 }));
  const pieces: string[] = [];
  let piece = '';
  let used = 0;
  for (const ch of text) {
    const cost = bytes(JSON.stringify(ch)) - 2;
    if (used + cost > room) {
      pieces.push(piece);
      piece = '';
      used = 0;
    }
    piece += ch;
    used += cost;
  }
  pieces.push(piece);
  let at0 = offset;
  return pieces.map((p, part) => {
    const payload = JSON.stringify({ ...head, offset: at0, text: p, part, parts: pieces.length });
    at0 += p.length;
    return payload;
  });
}

export function attemptFailedPayload(target: LiveTarget, reason: 'failed' | 'refused', at = Date.now()): string {
  return JSON.stringify({ ...target, type: 'article.attempt_failed', reason, at });
}

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

/**
 * Turns NOTIFY payloads back into live events: a delta sent in parts comes out once, whole, when its last
 * part arrived (parts of one delta arrive together and in order). Anything malformed is dropped.
 */
export function createLiveDecoder() {
  const partial = new Map<string, { next: number; message: Extract<LiveMessage, { type: 'article.delta' }> }>();
  return (payload: string): LiveMessage | undefined => {
    let w: Wire;
    try {
      w = JSON.parse(payload) as Wire;
    } catch {
      return undefined;
    }
    if (!isCount(w?.accountId) || !isCount(w.taskId) || !isCount(w.position) || !isCount(w.attempt) || w.attempt < 1) return undefined;
    const base = { accountId: w.accountId, taskId: w.taskId, createdAt: new Date(isCount(w.at) ? w.at : Date.now()).toISOString() };
    const ids = { position: w.position, attempt: w.attempt };
    if (w.type === 'article.attempt_failed') {
      if (w.reason !== 'failed' && w.reason !== 'refused') return undefined;
      return { ...base, type: w.type, data: { ...ids, reason: w.reason } };
    }
    if (w.type !== 'article.delta' || !isCount(w.offset) || typeof w.text !== 'string') return undefined;
    const message = { ...base, type: w.type, data: { ...ids, offset: w.offset, text: w.text } };
    if (w.parts === undefined) return message;
    const key = `${w.taskId}:${w.position}:${w.attempt}`;
    if (w.part === 0) partial.set(key, { next: 1, message });
    else {
      const held = partial.get(key);
      if (!held || held.next !== w.part) {
        partial.delete(key);
        return undefined;
      }
      held.next++;
      held.message.data.text += w.text;
    }
    if (w.part !== (w.parts ?? 0) - 1) return undefined;
    const whole = partial.get(key)?.message;
    partial.delete(key);
    return whole;
  };
}
