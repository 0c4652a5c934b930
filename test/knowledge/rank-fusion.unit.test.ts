import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { reciprocalRankFusion, RRF_K } from '../../src/domain/knowledge/rank-fusion.js';

describe('reciprocalRankFusion', () => {
  it('puts a key both rankings hold above keys only one of them found', () => {
    const fused = reciprocalRankFusion([
      [7, 3, 9],
      [3, 5],
    ]);
    expect(fused.map((f) => f.key)).toEqual([3, 7, 5, 9]);
    expect(fused[0]!.score).toBeCloseTo(1 / (RRF_K + 2) + 1 / (RRF_K + 1));
  });

  it('with one ranking keeps its order; with none answers nothing', () => {
    expect(reciprocalRankFusion([['a', 'b', 'c']]).map((f) => f.key)).toEqual(['a', 'b', 'c']);
    expect(reciprocalRankFusion([])).toEqual([]);
  });

  it('counts a key repeated in one ranking once, at its best rank', () => {
    expect(reciprocalRankFusion([[1, 1, 2]])).toEqual([
      { key: 1, score: 1 / (RRF_K + 1) },
      { key: 2, score: 1 / (RRF_K + 3) },
    ]);
  });

  it('holds every key of every ranking once, scores descending, and is symmetric in the rankings', () => {
    const ranking = fc.uniqueArray(fc.integer({ min: 0, max: 40 }), { maxLength: 20 });
    fc.assert(
      fc.property(ranking, ranking, (a, b) => {
        const fused = reciprocalRankFusion([a, b]);
        expect(new Set(fused.map((f) => f.key))).toEqual(new Set([...a, ...b]));
        expect(fused.length).toBe(new Set([...a, ...b]).size);
        for (let i = 1; i < fused.length; i++) expect(fused[i - 1]!.score).toBeGreaterThanOrEqual(fused[i]!.score);
        const swapped = new Map(reciprocalRankFusion([b, a]).map((f) => [f.key, f.score]));
        for (const f of fused) expect(swapped.get(f.key)).toBeCloseTo(f.score, 12);
      }),
      { numRuns: 200 },
    );
  });
});
