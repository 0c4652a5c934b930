import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/shared/csv.js';
import { renderOutput, type Output } from '../../src/cli/format.js';
import { CONTROLS, FORMULAS, TERMINAL_CONTROL } from '../support/hostile-text.js';

/** The CLI renderer keeps spreadsheet formulas and terminal controls out of its output (issue 15, item 14). */

const output = (rows: { keyword: string; n: number }[]): Output => ({
  json: rows,
  sections: [{ kind: 'table', columns: [{ key: 'keyword' }, { key: 'n' }], rows }, { kind: 'kv', title: CONTROLS, entries: [['keyword', CONTROLS]] }],
  notes: [CONTROLS],
});

describe('CSV cells a spreadsheet would run as formulas are escaped', () => {
  it('= + - @ tab and CR at the start get a leading quote; numbers stay numbers', () => {
    const csv = renderOutput('csv', output([...FORMULAS.map((keyword) => ({ keyword, n: -5 })), { keyword: '-7', n: 1 }, { keyword: 'plain', n: 2 }]));
    const records = parseCsv(csv).map((r) => r.fields);
    expect(records[0]).toEqual(['keyword', 'n']);
    for (const [keyword] of records.slice(1, FORMULAS.length + 1)) expect(keyword).toMatch(/^'[=+\-@\t\r ]/);
    // Negative numbers are data, not formulas: kept as they are.
    expect(records.slice(1).map((r) => r[1])).toEqual([...FORMULAS.map(() => '-5'), '1', '2']);
    expect(records.at(-2)).toEqual(['-7', '1']);
    expect(records.at(-1)).toEqual(['plain', '2']);
  });
});

describe('terminal output carries no control characters', () => {
  it('tables, key-value sections, titles and notes drop C0 (but the line feed) and C1 controls', () => {
    const text = renderOutput('table', output([{ keyword: CONTROLS, n: 1 }]));
    expect(text).not.toMatch(TERMINAL_CONTROL);
    expect(text).toContain('esc[31mred[2J vt bell bs del csi2J nel osc0;x end');
  });

  it('JSON escapes the C1 controls that JSON.stringify leaves raw', () => {
    const text = renderOutput('json', output([{ keyword: CONTROLS, n: 1 }]));
    expect(text).not.toMatch(TERMINAL_CONTROL);
    expect((JSON.parse(text) as { keyword: string }[])[0]!.keyword).toBe(CONTROLS);
  });
});

