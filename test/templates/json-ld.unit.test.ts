import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { answeredQuestions, articleJsonLd } from '../../src/shared/article-json-ld.js';
import { graphViolations } from '../support/schema-org.js';

const base = {
  title: 'Solar panels: the questions people ask',
  keyword: 'solar panels',
  imageUrl: 'https://img.example/roof.png',
  createdAt: new Date('2026-12-01T08:00:00Z'),
  updatedAt: '2026-12-02T09:30:00.000Z',
};

describe('schema.org JSON-LD of an article', () => {
  it('an FAQ article (its questions as headings, answer first) is an Article and an FAQPage, both valid', () => {
    const doc = articleJsonLd({
      ...base,
      topics: ['How much do they cost?', 'Do they work in winter?'],
      content: 'Intro paragraph.\n\n## How much do they cost?\n\nAbout **8000** dollars for a house.\n\n## Do they work in winter\n\nYes, on clear days.\n\n## Summary\n\nWorth it.',
    });
    expect(graphViolations(doc)).toEqual([]);
    const [article, faq] = doc['@graph'] as Record<string, any>[];
    expect(article).toMatchObject({ '@type': 'Article', headline: base.title, inLanguage: 'en', datePublished: '2026-12-01T08:00:00.000Z', image: base.imageUrl });
    expect(faq!.mainEntity).toEqual([
      { '@type': 'Question', name: 'How much do they cost?', acceptedAnswer: { '@type': 'Answer', text: 'About 8000 dollars for a house.' } },
      { '@type': 'Question', name: 'Do they work in winter?', acceptedAnswer: { '@type': 'Answer', text: 'Yes, on clear days.' } },
    ]);
  });

  it('an article that does not answer its questions as headings is an Article only', () => {
    const doc = articleJsonLd({ ...base, imageUrl: null, topics: ['How much?', 'How long?', 'Why?'], content: '## Background\n\nText.\n\n## How much?\n\nA lot.' });
    expect(graphViolations(doc)).toEqual([]);
    expect((doc['@graph'] as { '@type': string }[]).map((n) => n['@type'])).toEqual(['Article']);
  });

  it('Chinese articles say zh-CN and count characters', () => {
    const doc = articleJsonLd({ ...base, title: '太阳能板怎么选', keyword: '太阳能板', topics: ['多少钱？'], content: '## 多少钱？\n\n大约三万元。' });
    expect(graphViolations(doc)).toEqual([]);
    expect((doc['@graph'] as any[])[0]).toMatchObject({ inLanguage: 'zh-CN', wordCount: 10 });
    expect((doc['@graph'] as any[])[1].mainEntity[0].acceptedAnswer.text).toBe('大约三万元。');
  });

  it('whatever the article says, its JSON-LD stays valid and each FAQ answer is the text under its question (property)', () => {
    const line = fc.string({ minLength: 1, maxLength: 30 }).filter((s) => /\p{L}/u.test(s) && !s.includes('\n'));
    fc.assert(
      fc.property(fc.array(line, { minLength: 1, maxLength: 4 }), fc.array(fc.tuple(fc.boolean(), line), { maxLength: 6 }), line, (topics, parts, title) => {
        const content = parts.map(([heading, text]) => (heading ? `## ${text}` : text)).join('\n\n');
        const doc = articleJsonLd({ ...base, title, topics, content });
        expect(graphViolations(doc)).toEqual([]);
        for (const q of answeredQuestions({ topics, content })) expect(topics.map((t) => t.trim())).toContain(q.question);
      }),
      { numRuns: 200 },
    );
  });
});
