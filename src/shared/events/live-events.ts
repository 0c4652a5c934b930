import { z } from 'zod';

/*
 * Live events: sent on a task's event stream while it runs and never stored (no `task_events` row, no SSE
 * `id`, no notification, no webhook). A client that reconnects gets the saved articles from the event
 * log instead, so live events are a view of work in progress, never the record of it.
 */
const count = z.number().int().min(0);

export const articleDeltaData = z.strictObject({
  position: count.describe('The article being written'),
  attempt: z.number().int().min(1).describe("The item's attempt this text belongs to; a higher one replaces what a client holds"),
  offset: count.describe('Where `text` starts in the attempt\'s answer (UTF-16 code units): a client that holds less joined late'),
  text: z.string().describe('The new text since the previous delta'),
});

export const articleAttemptFailedData = z.strictObject({
  position: count,
  attempt: z.number().int().min(1),
  reason: z.enum(['failed', 'refused']).describe('failed: the provider or the worker failed the attempt; refused: the quality gate refused its draft'),
});

export const LIVE_EVENTS = {
  'article.delta': { summary: 'new text of an article being written (streaming models; at most one per article every 200 ms)', data: articleDeltaData },
  'article.attempt_failed': { summary: "an attempt that sent deltas ended without its article: drop the attempt's partial text", data: articleAttemptFailedData },
} as const satisfies Record<string, { summary: string; data: z.ZodType<Record<string, unknown>> }>;

export type LiveEventType = keyof typeof LIVE_EVENTS;
export type LiveEventData<T extends LiveEventType> = z.input<(typeof LIVE_EVENTS)[T]['data']>;
export const LIVE_EVENT_TYPES = Object.keys(LIVE_EVENTS) as LiveEventType[];
