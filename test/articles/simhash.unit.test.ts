import { describe, expect, it } from 'vitest';
import { hammingDistance, simhash, taggedBands } from '../../src/domain/quality/simhash.js';

const LONG = 'Cold brew is coffee steeped in cold water for many hours, then filtered. '.repeat(4);

describe('SimHash', () => {
  const text = `${LONG} 冷萃咖啡是用冷水长时间浸泡的咖啡，口感更顺滑，酸度更低。`;
  it('keeps a light edit within 3 bits and puts unrelated texts far apart', () => {
    const h = taggedBands(simhash(text));
    expect(hammingDistance(h, taggedBands(simhash(text.replace('many hours', 'many, many hours'))))).toBeLessThanOrEqual(3);
    expect(hammingDistance(h, taggedBands(simhash(`# ${text.toUpperCase()}`)))).toBe(0);
    expect(hammingDistance(h, taggedBands(simhash('Solar panels keep producing power in winter, especially on clear cold days. '.repeat(4))))).toBeGreaterThan(10);
  });
});
