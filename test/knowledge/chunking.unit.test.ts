import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chunkDocument, serializeChunks } from '../../src/domain/knowledge/chunking.js';
import { knowledgeQueryTerms } from '../../src/domain/knowledge/search-query.js';
import { estimateTokens } from '../../src/domain/knowledge/tokens.js';
import { decodeText, detectKind, looksLikeHtml } from '../../src/domain/knowledge/parsing/detect.js';
import { unpackDocx } from '../../src/domain/knowledge/parsing/docx-unpack.js';
import { FileRefused } from '../../src/domain/knowledge/parsing/refusal.js';
import { zipSync, strToU8 } from 'fflate';

const words = (s: string) => s.match(/[\u4e00-\u9fff]|[^\s\u4e00-\u9fff]+/gu) ?? [];
const refusalOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    if (err instanceof FileRefused) return err.refusal;
    throw err;
  }
  throw new Error('not refused');
};

describe('estimateTokens', () => {
  it('counts a CJK character as 1 and another word as 1.3, rounded up', () => {
    expect(estimateTokens('')).toBe(0);
    expect(estimateTokens('内容营销')).toBe(4);
    expect(estimateTokens('content marketing works')).toBe(4);
    expect(estimateTokens('内容营销 works')).toBe(6);
  });
});

describe('chunkDocument', () => {
  it('keeps each heading with the text under it and never spans two sections', () => {
    const chunks = chunkDocument('Intro line.\n\n# Price\n\nIt costs 5 euros.\n\n## 保修\n\n三年保修。', { maxTokens: 50, overlapTokens: 10 });
    expect(chunks.map((c) => [c.heading, c.text])).toEqual([
      ['', 'Intro line.'],
      ['Price', 'It costs 5 euros.'],
      ['保修', '三年保修。'],
    ]);
  });

  it('fills chunks with whole paragraphs, repeats the last ones as overlap, and cuts an overlong paragraph at sentences', () => {
    const para = (i: number) => `Paragraph ${i} says one thing.`;
    const text = [1, 2, 3, 4, 5, 6].map(para).join('\n\n');
    const chunks = chunkDocument(text, { maxTokens: 20, overlapTokens: 7 });
    expect(chunks.length).toBeGreaterThan(1);
    for (const [i, c] of chunks.entries()) {
      expect(c.tokens).toBeLessThanOrEqual(20);
      if (i > 0) expect(c.text.startsWith(chunks[i - 1]!.text.split('\n\n').at(-1)!)).toBe(true);
    }
    const long = chunkDocument('第一句很长很长。'.repeat(40), { maxTokens: 30, overlapTokens: 0 });
    expect(long.every((c) => c.tokens <= 30 && c.text.endsWith('。'))).toBe(true);
  });

  it('property: every chunk fits the size, and every word of the document is in some chunk, in order', () => {
    const word = fc.oneof(fc.constantFrom('coffee', 'grind', 'water', 'temperature', '咖啡', '研磨', '水温', '。', '.'), fc.string({ minLength: 1, maxLength: 12 }).filter((s) => !/\s|#/.test(s)));
    const paragraph = fc.array(word, { minLength: 1, maxLength: 60 }).map((ws) => ws.join(' '));
    const block = fc.oneof({ weight: 4, arbitrary: paragraph }, { weight: 1, arbitrary: paragraph.map((p) => `## ${p.slice(0, 30)}`) });
    fc.assert(
      fc.property(fc.array(block, { minLength: 1, maxLength: 30 }), fc.integer({ min: 5, max: 80 }), fc.integer({ min: 0, max: 30 }), (blocks, maxTokens, overlap) => {
        const text = blocks.join('\n\n');
        const chunks = chunkDocument(text, { maxTokens, overlapTokens: Math.min(overlap, maxTokens) });
        for (const c of chunks) expect(c.tokens).toBeLessThanOrEqual(maxTokens);
        const body = blocks.filter((b) => !b.startsWith('## ')).flatMap(words);
        const covered = chunks.flatMap((c) => words(c.text));
        // Each body word appears in the chunks' words in document order (overlap repeats some).
        let at = 0;
        for (const w of body) {
          while (at < covered.length && covered[at] !== w) at++;
          expect(at).toBeLessThan(covered.length);
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe('knowledgeQueryTerms', () => {
  it('turns a question into CJK bigrams and words, punctuation dropped', () => {
    expect(knowledgeQueryTerms('锅炉保修多久？ How long is the warranty?')).toEqual({
      cjk: ["'锅炉'", "'炉保'", "'保修'", "'修多'", "'多久'"],
      words: ['how', 'long', 'is', 'the', 'warranty'],
    });
    expect(knowledgeQueryTerms('茶')).toEqual({ cjk: ["'茶':*"], words: [] });
    expect(knowledgeQueryTerms('?!')).toEqual({ cjk: [], words: [] });
  });
});

describe('file types by content', () => {
  it('reads PDF and zip by their first bytes, not names; HTML by its content', () => {
    expect(detectKind(strToU8('%PDF-1.7\n'))).toBe('pdf');
    expect(detectKind(new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0]))).toBe('docx');
    expect(detectKind(strToU8('# Title'))).toBe('text');
    expect(refusalOf(() => detectKind(new Uint8Array(0))).code).toBe('FILE_EMPTY');
    expect(refusalOf(() => detectKind(new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1]))).code).toBe('UNSUPPORTED_FILE_TYPE');
    expect(looksLikeHtml('<!DOCTYPE html><p>x</p>')).toBe(true);
    expect(looksLikeHtml('Use <p> tags for paragraphs.')).toBe(false);
    expect(decodeText(strToU8('\ufeff# Heading\n\ntext'))).toMatchObject({ mediaType: 'text/markdown' });
    expect(refusalOf(() => decodeText(new Uint8Array([0x61, 0x00, 0x62]))).code).toBe('FILE_NOT_TEXT');
    expect(refusalOf(() => decodeText(new Uint8Array([0x63, 0xe9, 0x20]))).code).toBe('FILE_NOT_UTF8');
  });

  it('refuses a DOCX whose declared sizes pass the limit before inflating anything, and a zip that is not a Word document', () => {
    const honest = zipSync({ 'word/document.xml': new Uint8Array(5_000), '[Content_Types].xml': strToU8('<Types/>') });
    expect(refusalOf(() => unpackDocx(honest, 4_000))).toMatchObject({ status: 413, code: 'FILE_UNPACKS_TOO_LARGE' });
    expect(unpackDocx(honest, 10_000).length).toBeGreaterThan(5_000);
    expect(refusalOf(() => unpackDocx(zipSync({ 'a.txt': strToU8('x') }), 10_000)).code).toBe('UNSUPPORTED_FILE_TYPE');
  });
});

describe('serializeChunks', () => {
  it('numbers the rows in order and makes lone surrogates U+FFFD (PostgreSQL json refuses them as text)', () => {
    const rows = serializeChunks([
      { heading: 'H', text: 'a\ud800b', tokens: 2 },
      { heading: '', text: 'ok 😀', tokens: 3 },
    ]);
    expect(rows.count).toBe(2);
    expect(JSON.parse(rows.json)).toEqual([
      { position: 0, heading: 'H', text: 'a\ufffdb', tokens: 2 },
      { position: 1, heading: '', text: 'ok 😀', tokens: 3 },
    ]);
  });
});
