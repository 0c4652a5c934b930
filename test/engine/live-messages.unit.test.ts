import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { attemptFailedPayload, createLiveDecoder, deltaPayloads, MAX_PAYLOAD_BYTES } from '../../src/domain/live/index.js';

/** The NOTIFY wire format of live events: every payload under PostgreSQL's 8000-byte limit, joined again whole. */

const target = { accountId: 7, taskId: 42, position: 3, attempt: 2 };
const bytes = (s: string) => new TextEncoder().encode(s).length;
// Text as tenants write it: any code point (CJK takes 3 bytes, emoji 4, control characters 6 once escaped).
const text = fc.string({ unit: fc.oneof(fc.constantFrom('中', '文', '🙂', '\n', '"', '\\', '\u0001'), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 })), maxLength: 12_000 });

describe('delta payloads', () => {
  it('stay under the payload limit, in as few parts as fit, and decode to the same delta', () => {
    fc.assert(
      fc.property(text, fc.nat(1_000_000), (t, offset) => {
        const payloads = deltaPayloads(target, offset, t);
        for (const p of payloads) expect(bytes(p)).toBeLessThan(MAX_PAYLOAD_BYTES);
        if (bytes(JSON.stringify(t)) < 7_000) expect(payloads).toHaveLength(1);
        const decode = createLiveDecoder();
        const out = payloads.map(decode);
        expect(out.slice(0, -1).every((m) => m === undefined)).toBe(true);
        expect(out.at(-1)).toMatchObject({ accountId: 7, taskId: 42, type: 'article.delta', data: { position: 3, attempt: 2, offset, text: t } });
      }),
      { numRuns: 200 },
    );
  });

  it('drops a part out of order and anything malformed; passes an attempt_failed through', () => {
    const decode = createLiveDecoder();
    const parts = deltaPayloads(target, 0, '中'.repeat(6_000));
    expect(parts.length).toBeGreaterThan(2);
    expect(decode(parts[1]!)).toBeUndefined();
    expect(decode(parts[0]!)).toBeUndefined();
    expect(decode(parts[2]!)).toBeUndefined();
    for (const bad of ['not json', '{}', JSON.stringify({ ...target, type: 'article.delta', text: 'x' }), JSON.stringify({ ...target, type: 'task.completed', offset: 0, text: '' })]) {
      expect(decode(bad)).toBeUndefined();
    }
    expect(decode(attemptFailedPayload(target, 'refused'))).toMatchObject({ type: 'article.attempt_failed', data: { position: 3, attempt: 2, reason: 'refused' } });
  });
});
