import fc from 'fast-check';
import { expect, it } from 'vitest';
import { variedArticle } from '../../bench/varied-text.js';
import { DEFAULT_QUALITY } from '../../src/config.js';
import { checkDraftText } from '../../src/domain/quality/checks.js';
import { hasTitleLine, parseArticle } from '../../src/llm/parse-article.js';
import { hammingDistance, simhash, taggedBands } from '../../src/domain/quality/simhash.js';

const topics = ['What is it?', 'Why does it matter?'];
const bands = (text: string) => taggedBands(simhash(text));

it("the bench model's articles for two keywords are never near duplicates at the default distance", () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 0, max: 9999 }), fc.integer(), (a, b, seed) => {
      fc.pre(a !== b);
      const one = variedArticle({ keyword: `bench keyword ${a}`, topics, seed });
      const other = variedArticle({ keyword: `bench keyword ${b}`, topics, seed });
      expect(hammingDistance(bands(one), bands(other))).toBeGreaterThan(DEFAULT_QUALITY.nearDuplicateMaxDistance!);
    }),
    { numRuns: 100 },
  );
});

it('the same seed and keyword write the same article; another seed writes another', () => {
  fc.assert(
    fc.property(fc.string({ minLength: 1, maxLength: 40 }), fc.integer(), (keyword, seed) => {
      const article = variedArticle({ keyword, topics, seed });
      expect(variedArticle({ keyword, topics, seed })).toBe(article);
      expect(variedArticle({ keyword, topics, seed: seed + 1 })).not.toBe(article);
    }),
    { numRuns: 100 },
  );
});

it("passes the quality gate's default text checks: a title heading, one section per topic, enough words", () => {
  const article = variedArticle({ keyword: 'bench keyword 7', topics, seed: 1 });
  expect(article.split('\n')[0]).toMatch(/^# bench keyword 7: /);
  expect(article.match(/^## /gm)).toHaveLength(topics.length);
  expect(article).toContain('## Why does it matter?');
  const draft = { ...parseArticle(article), hasTitle: hasTitleLine(article) };
  expect(checkDraftText(draft, DEFAULT_QUALITY, null).flags).toEqual([]);
});
