// What a stream shows of an article being written is exactly what the model wrote, in order, with at most one
// delta per interval (plus the flush before the save), whatever the pieces and their pace: published by the
// worker's publisher, carried by the real PostgreSQL NOTIFY, joined and fanned out by an API process's hub.
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { createDeltaPublisher, type LiveMessage } from '../../src/domain/live/index.js';
import { createEventHub } from '../../src/http/event-hub.js';
import { openTestDatabase } from '../support/db.js';

const worker = openTestDatabase(3);
const apiProcess = openTestDatabase(2);
afterAll(async () => {
  await worker.close();
  await apiProcess.close();
});

const INTERVAL_MS = 20;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
let nextTaskId = 2_000_000_000 - (process.pid % 1000) * 100_000;

const piece = fc.oneof(
  { weight: 8, arbitrary: fc.string({ minLength: 1, maxLength: 40 }) },
  // Now and then a piece larger than one NOTIFY payload (CJK: 3 bytes a character).
  { weight: 1, arbitrary: fc.constantFrom('中'.repeat(3_000), 'x'.repeat(9_000)) },
);
const step = fc.record({ text: piece, pauseMs: fc.constantFrom(0, 0, 1, 5, 15, 30) });

describe('live deltas over NOTIFY', () => {
  it('arrive whole, in order, throttled, and end with the flush or with attempt_failed', async () => {
    const hub = createEventHub(apiProcess.sql);
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 25 }), fc.boolean(), async (steps, fails) => {
        const taskId = nextTaskId++;
        const got: LiveMessage[] = [];
        const unsubscribe = await hub.subscribe(taskId, () => undefined, (m) => got.push(m));
        try {
          const live = createDeltaPublisher(worker.db, { accountId: 1, taskId, position: 0, attempt: 1 }, { intervalMs: INTERVAL_MS });
          const started = performance.now();
          for (const s of steps) {
            live.onDelta(s.text);
            if (s.pauseMs) await sleep(s.pauseMs);
          }
          const elapsed = performance.now() - started;
          const written = steps.map((s) => s.text).join('');
          if (fails) await live.failed('failed');
          else await live.flush();
          const deltas = () => got.filter((m) => m.type === 'article.delta');
          const arrived = () => deltas().reduce((n, m) => n + (m.type === 'article.delta' ? m.data.text.length : 0), 0);
          // NOTIFY is delivered after the sender's commit: wait for what was sent to reach this process.
          for (let i = 0; i < 200 && (fails ? got.at(-1)?.type !== 'article.attempt_failed' : arrived() < written.length); i++) await sleep(5);

          const texts = deltas().map((m) => (m.type === 'article.delta' ? m.data : null)!);
          let offset = 0;
          for (const d of texts) {
            expect(d.offset).toBe(offset);
            offset += d.text.length;
          }
          const shown = texts.map((d) => d.text).join('');
          if (fails) {
            // What went out before the failure is a prefix, and the failure follows it (only when text went out).
            expect(written.startsWith(shown)).toBe(true);
            expect(got.filter((m) => m.type === 'article.attempt_failed')).toHaveLength(texts.length > 0 ? 1 : 0);
            if (texts.length > 0) expect(got.at(-1)!.type).toBe('article.attempt_failed');
          } else {
            expect(shown).toBe(written);
            expect(got.every((m) => m.type === 'article.delta')).toBe(true);
          }
          expect(texts.length).toBeLessThanOrEqual(Math.floor(elapsed / INTERVAL_MS) + 2);
        } finally {
          unsubscribe();
        }
      }),
      { numRuns: 100 },
    );
  });
});
