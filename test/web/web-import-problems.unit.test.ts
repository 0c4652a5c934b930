import { describe, expect, it } from 'vitest';
import { KEYWORD_MAX, parseDistillationFile, TOPIC_MAX, TOPICS_PER_DISTILLATION_MAX } from '../../src/domain/distillations/distillation-file.js';
import { importProblem } from '../../src/web/distillations/import-problems.js';
import { translator } from '../../src/web/i18n/index.js';

const zh = translator('zh');
const en = translator('en');
const CJK = /[\u4e00-\u9fff]/;

/** Every problem the shared import checker reports, from real files (CSV and JSON). */
function allProblems(): string[] {
  const csv = [
    'keyword,topics',
    ',a',
    `${'k'.repeat(KEYWORD_MAX + 1)},a`,
    'a\u0000b,x',
    'ok,',
    `ok,${'t'.repeat(TOPIC_MAX + 1)}`,
    `ok,${Array.from({ length: TOPICS_PER_DISTILLATION_MAX + 1 }, (_, i) => `q${i}`).join('|')}`,
    'x,y,z',
  ].join('\n');
  const json = JSON.stringify([{ topics: ['a'] }, { keyword: 1, topics: ['a'] }, { keyword: 'k' }, { keyword: 'k', topics: 'a' }, { keyword: 'k', topics: ['', 1, 'a\u0000'] }, 5]);
  const rows = [...parseDistillationFile('a.csv', csv).bad, ...parseDistillationFile('a.json', json).bad];
  const fileErrors = ['kw,topics\na,b', '\n'].map((text) => {
    const { problem } = parseDistillationFile('b.csv', text);
    if (problem === undefined) throw new Error(`no problem for ${JSON.stringify(text)}`);
    return problem;
  });
  return [...rows.flatMap((r) => r.errors), ...fileErrors];
}

describe('import problems in the page language', () => {
  it('words every problem of the import checker in Chinese, and keeps the English the checker wrote', () => {
    const problems = allProblems();
    expect(problems.length).toBeGreaterThanOrEqual(17);
    const untranslated = problems.filter((p) => !CJK.test(importProblem(zh, p)));
    expect(untranslated).toEqual([]);
    expect(importProblem(zh, 'topic 3 is 501 characters long (at most 500)')).toBe('第 3 个话题有 501 个字符（最多 500 个）');
    expect(problems.map((p) => importProblem(en, p))).toEqual(problems);
  });

  it('leaves a problem it does not know as it came', () => {
    expect(importProblem(zh, 'something new')).toBe('something new');
  });
});
