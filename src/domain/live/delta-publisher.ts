import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { attemptFailedPayload, deltaPayloads, LIVE_CHANNEL, type LiveTarget } from './live-messages.js';

/** At most one article.delta per article in this many milliseconds. */
export const DELTA_INTERVAL_MS = 200;

export interface DeltaPublisher {
  /** The LLM request's onDelta: buffers the text, sends at most one delta per interval (the first at once). */
  onDelta(text: string): void;
  /** Sends what is buffered and resolves once every delta so far went out: called before the article is saved. */
  flush(): Promise<void>;
  /** Drops what is buffered and, when deltas went out, tells the streams to drop this attempt's text (once). */
  failed(reason: 'failed' | 'refused'): Promise<void>;
}

export interface DeltaPublisherOptions {
  intervalMs?: number;
}

/**
 * Carries an attempt's text to every API process as it is written: PostgreSQL NOTIFY on LIVE_CHANNEL,
 * nothing stored. Sends go one after another on the pool, so they arrive in order; a send that fails is
 * dropped (the saved article, not its deltas, is what lasts) and never logged (deltas are tenant text).
 *
 * @example const live = createDeltaPublisher(db, { accountId, taskId, position, attempt });
 *          const reply = await llm.complete({ messages, onDelta: live.onDelta }); await live.flush();
 */
export function createDeltaPublisher(db: Db, target: LiveTarget, opts: DeltaPublisherOptions = {}): DeltaPublisher {
  const intervalMs = opts.intervalMs ?? DELTA_INTERVAL_MS;
  let buffer = '';
  let offset = 0;
  let lastSentAt = Number.NEGATIVE_INFINITY;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  let failed = false;
  let sending: Promise<void> = Promise.resolve();

  const notify = (payloads: string[]) => {
    sending = sending.then(() =>
      db.execute(sql`SELECT ${sql.join(payloads.map((p) => sql`pg_notify(${LIVE_CHANNEL}, ${p})`), sql`, `)}`).then(
        () => undefined,
        () => undefined,
      ),
    );
  };
  let due = false;
  const sendNow = () => {
    timer = undefined;
    due = false;
    if (buffer === '') return;
    const text = buffer;
    buffer = '';
    lastSentAt = performance.now();
    notify(deltaPayloads(target, offset, text));
    offset += text.length;
  };

  return {
    onDelta(text) {
      if (closed || text === '') return;
      buffer += text;
      if (timer || due) return;
      const wait = lastSentAt + intervalMs - performance.now();
      // Due now: sent after this turn, so pieces handed over at once (the offline generator's) go in one.
      if (wait <= 0) {
        due = true;
        queueMicrotask(sendNow);
      } else timer = setTimeout(sendNow, wait);
    },
    async flush() {
      clearTimeout(timer);
      sendNow();
      closed = true;
      await sending;
    },
    async failed(reason) {
      if (failed) return sending;
      failed = true;
      clearTimeout(timer);
      timer = undefined;
      buffer = '';
      closed = true;
      if (offset > 0) notify([attemptFailedPayload(target, reason)]);
      await sending;
    },
  };
}
