import { createRequire } from 'node:module';
import type { Jieba } from '@node-rs/jieba';

/** Han, kana and hangul runs: what PostgreSQL's parser cannot split (same ranges as artgen_search_text, migration 0011). */
const CJK_RUNS = /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]+/gu;
const CJK_PUNCTUATION = /[\u3000-\u303f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65]/gu;

/**
 * Question words and particles that carry no topic: a question is phrased with them, its answer is not.
 * Single characters are dropped from queries anyway; these are the longer ones.
 */
const CJK_QUERY_STOP_WORDS = new Set(['什么', '怎么', '怎样', '多少', '哪些', '哪个', '如何', '为什么', '可以', '能否', '是否', '还能', '需要', '多久', '多长时间', '时候', '情况', '有没有', '一下']);

let jieba: Jieba | undefined;

/** The segmenter with its bundled dictionary, loaded once on first use (about 0.3 s and 30 MB). */
function segmenter(): Jieba {
  if (!jieba) {
    const require = createRequire(import.meta.url);
    const { Jieba: JiebaClass } = require('@node-rs/jieba') as typeof import('@node-rs/jieba');
    const { dict } = require('@node-rs/jieba/dict') as { dict: Uint8Array };
    jieba = JiebaClass.withDict(dict);
  }
  return jieba;
}

/**
 * A text with each CJK run replaced by its jieba words in search mode (a long word also yields the
 * words inside it: 扫地机器人 -> 扫地 机器 机器人), separated by spaces, so PostgreSQL's 'english' parser
 * keeps each word as one lexeme. Latin text passes through for the parser to stem.
 *
 * @example
 * segmentForIndex('星耀 S7 扫地机器人') // '星耀 S7 扫地 机器 机器人'
 */
export function segmentForIndex(text: string): string {
  const seg = segmenter();
  return text.replace(CJK_PUNCTUATION, ' ').replace(CJK_RUNS, (run) => ` ${seg.cutForSearch(run, true).join(' ')} `);
}

/** The CJK words of a query worth matching: jieba's words of two or more characters, question words dropped. */
export function segmentQueryWords(run: string): string[] {
  return segmenter()
    .cutForSearch(run, true)
    .filter((w) => [...w].length >= 2 && !CJK_QUERY_STOP_WORDS.has(w));
}

/** Overlapping bigrams of a CJK run, as artgen_search_text indexes it; a one-character run stays itself. */
export function bigramsOf(run: string): string[] {
  const chars = [...run];
  if (chars.length === 1) return chars;
  return chars.slice(0, -1).map((c, i) => c + chars[i + 1]!);
}

/** The CJK runs and the Latin words (letters and digits) of a query, punctuation dropped. */
export function splitQuery(text: string): { cjkRuns: string[]; latinWords: string[] } {
  const clean = text.replace(CJK_PUNCTUATION, ' ');
  const cjkRuns = clean.match(CJK_RUNS) ?? [];
  const latinWords = clean.replace(CJK_RUNS, ' ').match(/[\p{L}\p{N}]+(?:[.'-][\p{L}\p{N}]+)*/gu) ?? [];
  return { cjkRuns, latinWords };
}
