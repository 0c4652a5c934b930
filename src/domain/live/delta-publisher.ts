import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { attemptFailedPayload, deltaPayloads, LIVE_CHANNEL, type LiveTarget } from './live-messages.js';

/** At most one article.delta per article in this many milliseconds. */
export const DELTA_INTERVAL_MS = 200;
/** The longest flush() and failed() wait for sends: a slow database must not hold up the article itself. */
export const SEND_WAIT_MS = 2_000;

export interface DeltaPublisher {
  /** The LLM request's onDelta: buffers the text, sends at most one delta per interval (the first at once). */
  onDelta(text: string): void;
  /** Sends what is buffered and resolves once every delta so far went out (or SEND_WAIT_MS passed): called before the article is saved. */
  flush(): Promise<void>;
  /** Drops what is buffered and, when deltas went out, tells the streams to drop this attempt's text (once). */
  failed(reason: 'failed' | 'refused'): Promise<void>;
}

export interface DeltaPublisherOptions {
  intervalMs?: number;
  sendWaitMs?: number;
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

  /** The sends so far, waited for at most sendWaitMs (the rest still go out, in order). */
  const sent = async () => {
    let wait: NodeJS.Timeout | undefined;
    await Promise.race([sending, new Promise<void>((resolve) => (wait = setTimeout(resolve, opts.sendWaitMs ?? SEND_WAIT_MS)))]);
    clearTimeout(wait);
  };
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
      await sent();
    },
    async failed(reason) {
      if (failed) return sent();
      failed = true;
      clearTimeout(timer);
      timer = undefined;
      buffer = '';
      closed = true;
      if (offset > 0) notify([attemptFailedPayload(target, reason)]);
      await sent();
    },
  };
}
