import type { Context } from 'hono';
import { AppError } from '../domain/errors.js';

/** The largest event id a client may name: 15 digits, as the check below reads them. */
export const MAX_EVENT_ID = 999_999_999_999_999;

/**
 * `Last-Event-ID` (EventSource reconnects) wins over `?lastEventId=` (the first connect); 0 when neither.
 * Each one given is checked, so a bad query value is refused even beside a good header.
 */
export function lastEventId(c: Context): number {
  const given = [c.req.header('last-event-id')?.trim(), c.req.query('lastEventId')?.trim()].filter((v): v is string => !!v);
  for (const value of given) {
    if (!/^\d{1,15}$/.test(value)) {
      throw new AppError(400, 'INVALID_LAST_EVENT_ID', `Last-Event-ID (header or ?lastEventId=) must be a non-negative integer event id, got '${value}'.`, { lastEventId: value });
    }
  }
  return Number(given[0] ?? '0');
}
