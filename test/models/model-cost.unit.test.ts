import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { picoToDecimal, priceToMicros, requestCostPico } from '../../src/llm/models/spec.js';

describe('model prices and request cost', () => {
  it('turns a price per million tokens into integer micro-units, refusing more than 6 decimals', () => {
    expect(priceToMicros(1.5)).toBe(1_500_000);
    expect(priceToMicros(0)).toBe(0);
    expect(priceToMicros(0.000001)).toBe(1);
    expect(() => priceToMicros(0.0000001)).toThrow(/6 decimals/);
    expect(() => priceToMicros(-1)).toThrow(/>= 0/);
  });

  it('costs a request as tokens x price exactly, in pico-units', () => {
    const spec = { promptPriceMicrosPerMillion: priceToMicros(1.5), completionPriceMicrosPerMillion: priceToMicros(6) };
    // 1000 prompt tokens at 1.5/M = 0.0015; 500 completion tokens at 6/M = 0.003
    expect(picoToDecimal(requestCostPico(spec, 1000, 500))).toBe('0.0045');
    expect(picoToDecimal(requestCostPico(spec, 1, 0))).toBe('0.0000015');
    expect(picoToDecimal(0n)).toBe('0');
  });

  it('sums of costs equal the cost of summed tokens (no rounding anywhere)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 100_000_000 }),
        fc.integer({ min: 0, max: 100_000_000 }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 200_000 }), fc.integer({ min: 0, max: 200_000 })), { maxLength: 50 }),
        (p, c, reqs) => {
          const spec = { promptPriceMicrosPerMillion: p, completionPriceMicrosPerMillion: c };
          const sum = reqs.reduce((s, [a, b]) => s + requestCostPico(spec, a, b), 0n);
          const tokens = reqs.reduce(([sa, sb], [a, b]) => [sa + a, sb + b], [0, 0]);
          expect(sum).toBe(requestCostPico(spec, tokens[0]!, tokens[1]!));
        },
      ),
      { numRuns: 200 },
    );
  });
});
