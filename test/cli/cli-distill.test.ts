import { describe, expect, it } from 'vitest';
import { keywordsOf } from '../../src/cli/commands/distill.js';
import { show } from '../support/cli.js';
import { json, useCliStack } from '../support/cli-stack.js';

/** `artgen distillations distill` end to end: keywords from a file, a run watched to its end. */
const stack = useCliStack();

describe('distillations distill', () => {
  it('--watch follows the run a line per keyword and prints each keyword; the questions join the pool', async () => {
    const a = await stack.account();
    const file = stack.file('keywords.txt', '# seasonal\nheat pump\n\nkettle\nfail this one\n');
    const r = await a.cli(['distillations', 'distill', '--keywords-file', file, '--questions', '4', '--watch']);
    expect(r.code, show(r)).toBe(0);
    expect(r.stderr).toMatch(/done {3}heat pump: 4 question\(s\), 0 duplicate\(s\) \[\d\/3\]/);
    expect(r.stderr).toMatch(/done {3}kettle: 4 question\(s\)/);
    expect(r.stderr).toMatch(/failed fail this one: /);
    expect(r.stdout).toMatch(/status:\s+completed/);
    expect(r.stdout).toMatch(/done:\s+2/);
    expect(await stack.distillationCount(a.accountId)).toBe(2);
  });

  it('--review --format json answers the run with its questions pending review; every keyword failing exits 3', async () => {
    const a = await stack.account();
    const file = stack.file('review.json', JSON.stringify(['lamp', 'desk']));
    const r = await a.cli(['--format', 'json', 'distillations', 'distill', '--keywords-file', file, '--questions', '2', '--review', '--watch']);
    expect(r.code, show(r)).toBe(0);
    expect(json(r)).toMatchObject({ status: 'completed', review: true, pendingReviewCount: 4 });
    expect(await stack.distillationCount(a.accountId)).toBe(0);

    const failing = await a.cli(['distillations', 'distill', '--keywords-file', stack.file('fail.txt', 'fail a\nfail b\n'), '--questions', '2', '--watch']);
    expect(failing.code, show(failing)).toBe(3);
    expect(failing.stdout).toMatch(/status:\s+failed/);
  });

  it('refuses a file without keywords and a bad --questions before calling the API', async () => {
    const a = await stack.account();
    const empty = await a.cli(['distillations', 'distill', '--keywords-file', stack.file('empty.txt', '# nothing\n\n')]);
    expect(empty.code, show(empty)).toBe(1);
    expect(empty.stderr).toContain('holds no keyword');
    const bad = await a.cli(['distillations', 'distill', '--keywords-file', stack.file('one.txt', 'x\n'), '--questions', '21']);
    expect(bad.code, show(bad)).toBe(2);
    expect(keywordsOf('["a", " b "]')).toEqual(['a', 'b']);
    expect(keywordsOf('[not json\nc')).toEqual(['[not json', 'c']);
  });
});
