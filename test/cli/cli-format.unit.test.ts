import { describe, expect, it } from 'vitest';
import { idRanges } from '../../src/cli/commands/distillations.js';
import { describeSpec, parseInterval } from '../../src/cli/commands/schedule.js';
import { parseAge } from '../../src/cli/commands/task.js';
import { CsvParseError, csvField, parseCsv, toCsv } from '../../src/shared/csv.js';
import { checkDistillation, parseDistillationFile } from '../../src/domain/distillations/distillation-file.js';
import { cellText, displayWidth, formatDuration, renderCsv, renderKeyValue, renderOutput, renderTable, truncate } from '../../src/cli/format.js';
import { describeNetworkError } from '../../src/cli/http-client.js';
import { SseParser } from '../../src/cli/sse.js';
import { applyEvent, statusLine, writingLines, type WatchState } from '../../src/cli/sse-watch.js';

/** Unit tests of the CLI's pure parts: CSV, the table formatter, import file checks, SSE parsing. */

describe('parseCsv', () => {
  it('splits plain records and keeps the line of each', () => {
    expect(parseCsv('keyword,topics\nGEO,What is GEO?|Why\n')).toEqual([
      { line: 1, fields: ['keyword', 'topics'] },
      { line: 2, fields: ['GEO', 'What is GEO?|Why'] },
    ]);
  });

  it('reads quoted fields with commas, doubled quotes and line breaks, and counts lines inside them', () => {
    const text = 'a,b\r\n"x, y","say ""hi"""\r\n"multi\nline",z\n"last",""';
    expect(parseCsv(text)).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['x, y', 'say "hi"'] },
      { line: 3, fields: ['multi\nline', 'z'] },
      { line: 5, fields: ['last', ''] },
    ]);
  });

  it('accepts CR line endings, a BOM, blank lines and spaces around quoted fields', () => {
    expect(parseCsv('\uFEFFk,t\r\r\n\nA, "b, c" \rB,c')).toEqual([
      { line: 1, fields: ['k', 't'] },
      { line: 4, fields: ['A', 'b, c'] },
      { line: 5, fields: ['B', 'c'] },
    ]);
  });

  it('keeps empty fields and a trailing empty field', () => {
    expect(parseCsv('a,,c,\n')).toEqual([{ line: 1, fields: ['a', '', 'c', ''] }]);
  });

  it('rejects an unclosed quote with the line where the field starts', () => {
    const err = (() => {
      try {
        parseCsv('k,t\nok,fine\n"open,\nstill open\n');
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(CsvParseError);
    expect((err as CsvParseError).line).toBe(3);
    expect(String(err)).toMatch(/line 3: a quoted field is not closed/);
  });

  it('rejects text after a closing quote', () => {
    expect(() => parseCsv('k,t\n"a"b,c')).toThrow(/line 2: unexpected character 'b'/);
  });
});

describe('CSV writing', () => {
  it('quotes only what needs quoting (RFC 4180) and round-trips through the parser', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "x"')).toBe('"say ""x"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField(' padded')).toBe('" padded"');
    const rows = [
      ['id', 'text'],
      ['1', 'a, "quoted"\r\nvalue'],
      ['2', ''],
      ['3', '内容营销'],
    ];
    const text = toCsv(rows);
    expect(text.endsWith('\r\n')).toBe(true);
    expect(parseCsv(text).map((r) => r.fields)).toEqual(rows);
  });

  it('renders columns with empty fields for null and JSON for objects', () => {
    const out = renderCsv([{ key: 'id' }, { key: 'error' }, { key: 'ids', value: (r: any) => r.ids }], [{ id: 1, error: null, ids: { a: 1 } }]);
    expect(out).toBe('id,error,ids\r\n1,,"{""a"":1}"\r\n');
  });
});

describe('table formatter', () => {
  it('aligns columns, right-aligns numbers and shows - for empty cells', () => {
    const out = renderTable(
      [{ key: 'id' }, { key: 'status' }, { key: 'error', header: 'ERR' }],
      [
        { id: 1, status: 'completed', error: null },
        { id: 123, status: 'failed', error: 'boom' },
      ],
    );
    expect(out.split('\n')).toEqual([' ID  STATUS     ERR', '---  ---------  ----', '  1  completed  -', '123  failed     boom', '']);
  });

  it('measures East Asian wide characters as two columns', () => {
    expect(displayWidth('内容营销')).toBe(8);
    expect(displayWidth('abc')).toBe(3);
    expect(displayWidth('e\u0301')).toBe(1);
    const lines = renderTable([{ key: 'k' }, { key: 'n' }], [{ k: '内容', n: 'x' }, { k: 'abcdef', n: 'y' }]).split('\n');
    expect(displayWidth(lines[2]!.slice(0, lines[2]!.indexOf('x')))).toBe(displayWidth(lines[3]!.slice(0, lines[3]!.indexOf('y'))));
  });

  it('truncates long cells with an ellipsis, counting wide characters', () => {
    expect(truncate('abcdefghij', 5)).toBe('abcd…');
    expect(truncate('short', 10)).toBe('short');
    expect(truncate('内容营销内容', 5)).toBe('内容…');
    const out = renderTable([{ key: 't', maxWidth: 6 }], [{ t: 'a long title here' }]);
    expect(out).toContain('a lon…');
  });

  it('puts values on one line and uses display functions for tables only', () => {
    expect(cellText('a\nb\tc')).toBe('a b c');
    expect(cellText(undefined)).toBe('');
    const columns = [{ key: 'ms', display: (v: unknown) => formatDuration(v as number) }];
    expect(renderTable(columns, [{ ms: 65_000 }])).toContain('1m 05s');
    expect(renderCsv(columns, [{ ms: 65_000 }])).toBe('ms\r\n65000\r\n');
  });

  it('renders key/value blocks and whole outputs in the three formats', () => {
    expect(renderKeyValue([['id', 7], ['longer key', null]])).toBe('id:          7\nlonger key:  -\n');
    const output = {
      json: { hello: 'world' },
      sections: [
        { kind: 'kv' as const, entries: [['a', 1], ['b', 'x,y']] as [string, unknown][] },
        { kind: 'table' as const, columns: [{ key: 'n' }], rows: [] as unknown[], empty: 'Nothing.' },
      ],
      notes: ['page 1 of 1'],
    };
    expect(JSON.parse(renderOutput('json', output))).toEqual({ hello: 'world' });
    expect(renderOutput('csv', output)).toBe('a,b\r\n1,"x,y"\r\n');
    expect(renderOutput('table', output)).toBe('a:  1\nb:  x,y\n\nNothing.\n\npage 1 of 1\n');
  });
});

describe('import file checks', () => {
  it('reads CSV rows with quoted commas and | separated topics', () => {
    const file = parseDistillationFile('x.csv', 'keyword,topics\n"AI search, ranking","How, exactly?|Why"\nGEO, What is GEO? | |How? |\n');
    expect(file.bad).toEqual([]);
    expect(file.good.map((g) => [g.where, g.distillation])).toEqual([
      ['line 2', { keyword: 'AI search, ranking', topics: ['How, exactly?', 'Why'] }],
      ['line 3', { keyword: 'GEO', topics: ['What is GEO?', 'How?'] }],
    ]);
  });

  it('reports every bad CSV row with its line, also after a multi-line field', () => {
    const long = 'k'.repeat(201);
    const text = ['topics,keyword', '"a\nb",multi', ',empty topics', 'x|y,', `t,${long}`, 'a,b,c'].join('\n');
    const file = parseDistillationFile('in.csv', text);
    expect(file.good.map((g) => g.line)).toEqual([2]);
    expect(file.bad.map((b) => [b.line, b.errors.join('; ')])).toEqual([
      [4, 'no topics (at least one is needed)'],
      [5, 'keyword is empty'],
      [6, 'keyword is 201 characters long (at most 200)'],
      [7, '3 field(s) where the header has 2 (put a field that contains a comma in double quotes)'],
    ]);
  });

  it('rejects a CSV without the keyword and topics columns', () => {
    expect(parseDistillationFile('a.csv', 'name,questions\nx,y')).toMatchObject({ good: [], bad: [], problem: expect.stringMatching(/header must name the columns keyword and topics/) });
    expect(parseDistillationFile('a.csv', '').problem).toMatch(/empty/);
  });

  it('reads JSON arrays and {distillations} objects and reports bad entries by index', () => {
    expect(parseDistillationFile('a.json', '{"distillations":[{"keyword":"k","topics":["t"]}]}').good).toHaveLength(1);
    const file = parseDistillationFile('a.json', JSON.stringify([{ keyword: ' ok ', topics: ['t1', ' t2 '] }, { keyword: 'x', topics: [] }, 'nope', { keyword: 'y', topics: ['', 'z'.repeat(501)] }]));
    expect(file.good[0]!.distillation).toEqual({ keyword: 'ok', topics: ['t1', 't2'] });
    expect(file.bad.map((b) => [b.index, b.errors])).toEqual([
      [1, ['no topics (at least one is needed)']],
      [2, ['not an object {"keyword", "topics"}']],
      [3, ['topic 1 is empty', 'topic 2 is 501 characters long (at most 500)']],
    ]);
    expect(parseDistillationFile('a.json', '{"nope": 1}').problem).toMatch(/array/);
    expect(parseDistillationFile('a.json', '[{').problem).toMatch(/JSON file cannot be read/);
  });

  it('detects the format from the content when the name does not say', () => {
    expect(parseDistillationFile('-', '[{"keyword":"k","topics":["t"]}]').kind).toBe('json');
    expect(parseDistillationFile('-', 'keyword,topics\nk,t').kind).toBe('csv');
  });

  it('checks keyword and topics like the API', () => {
    expect(checkDistillation('k', ['t']).distillation).toEqual({ keyword: 'k', topics: ['t'] });
    expect(checkDistillation(undefined, ['t']).errors).toEqual(['keyword is missing']);
    expect(checkDistillation('k', 'a|b').errors).toEqual(['topics must be an array of strings']);
    expect(checkDistillation('k', Array.from({ length: 201 }, () => 't')).errors).toEqual(['201 topics (at most 200)']);
  });
});

describe('SSE parsing and the watch display', () => {
  it('parses messages split across chunks, CRLF, comments and multi-line data', () => {
    const p = new SseParser();
    expect(p.push(': ping\n\nid: 4\nevent: article.sa')).toEqual([]);
    expect(p.push('ved\ndata: {"a":\r')).toEqual([]);
    expect(p.push('\ndata: 1}\r\n\r\n')).toEqual([{ id: '4', event: 'article.saved', data: '{"a":\n1}' }]);
    expect(p.push('data: x\n\n')).toEqual([{ id: undefined, event: 'message', data: 'x' }]);
  });

  it('folds events into counters, the last title and the final status', () => {
    const state: WatchState = {
      taskId: 9, status: 'pending', requestedCount: 2, generatedCount: 0, failedCount: 0, skippedCount: 0, progress: 0,
      lastTitle: null, errorMessage: null, lastEventId: 0, lastEventType: null, events: 0, reconnects: 0,
    };
    const msg = (id: number, event: string, data: Record<string, unknown>) => ({ id: String(id), event, data: JSON.stringify({ id, type: event, data, createdAt: new Date().toISOString() }) });
    expect(applyEvent(state, msg(1, 'task.started', { requestedCount: 2 }))).toContain('task 9 started: 2 article(s) requested');
    const counters = { requestedCount: 2, generatedCount: 1, failedCount: 0, skippedCount: 0, progress: 50 };
    expect(applyEvent(state, msg(2, 'article.saved', { position: 0, title: 'First title', ...counters }))).toContain('article #1 saved: "First title" (1/2 generated, 0 failed, 0 skipped, 50%)');
    expect(applyEvent(state, msg(3, 'article.failed', { position: 1, error: 'HTTP 400', ...counters, failedCount: 1, progress: 100 }))).toContain('article #2 failed: HTTP 400');
    expect(applyEvent(state, msg(4, 'task.completed', { ...counters, failedCount: 1, progress: 100, errorMessage: '1 of 2 articles not written' }))).toContain('task 9 completed');
    expect(state).toMatchObject({ status: 'completed', lastEventId: 4, generatedCount: 1, failedCount: 1, lastTitle: 'First title', errorMessage: '1 of 2 articles not written' });
    const line = statusLine(state, 120);
    expect(line).toContain('Task 9 completed [####################] 100%  1/2 generated, 1 failed, 0 skipped  "First title"');
    expect(displayWidth(statusLine(state, 50))).toBeLessThanOrEqual(50);
  });
});

describe('the watch of articles being written', () => {
  it('shows a line per article with its length, drops an attempt that failed and the line once the article is saved', () => {
    const state: WatchState = {
      taskId: 9, status: 'running', requestedCount: 2, generatedCount: 0, failedCount: 0, skippedCount: 0, progress: 0,
      lastTitle: null, errorMessage: null, lastEventId: 5, lastEventType: 'task.started', events: 1, reconnects: 0,
    };
    const live = (event: string, data: Record<string, unknown>) => ({ id: undefined, event, data: JSON.stringify({ taskId: 9, type: event, data }) });
    expect(applyEvent(state, live('article.delta', { position: 1, attempt: 1, offset: 0, text: 'x'.repeat(1200) }))).toBe('article #2 writing: 1,200 characters');
    expect(applyEvent(state, live('article.delta', { position: 0, attempt: 2, offset: 0, text: 'abc' }))).toBe('article #1 writing (attempt 2): 3 characters');
    expect(writingLines(state, 80)).toEqual(['  article #1 writing (attempt 2): 3 characters', '  article #2 writing: 1,200 characters']);
    // Live events move neither the resume point nor the event that ends a watch.
    expect(state).toMatchObject({ lastEventId: 5, lastEventType: 'task.started', events: 1 });
    expect(applyEvent(state, live('article.attempt_failed', { position: 1, attempt: 1, reason: 'refused' }))).toBe('article #2 attempt 1 refused by the quality check: its text is dropped');
    expect(applyEvent(state, live('article.delta', { position: 0, attempt: 1, offset: 9, text: 'late' }))).toBeNull();
    const counters = { requestedCount: 2, generatedCount: 1, failedCount: 0, skippedCount: 0, progress: 50 };
    applyEvent(state, { id: '6', event: 'article.saved', data: JSON.stringify({ id: 6, type: 'article.saved', data: { position: 0, title: 'T', ...counters } }) });
    expect(writingLines(state, 80)).toEqual([]);
  });
});

describe('small parsers', () => {
  it('parses ages, intervals and id ranges', () => {
    expect(parseAge('30d')).toBe('30d');
    expect(parseAge('90')).toBe(90);
    expect(parseAge('45s')).toBe(45);
    expect(() => parseAge('soon')).toThrow(/--older-than/);
    expect(parseInterval('3600')).toBe(3600);
    expect(parseInterval('90m')).toBe(5400);
    expect(() => parseInterval('0')).toThrow(/--every/);
    expect(describeSpec({ cron: '0 9 * * *', timezone: 'UTC' })).toBe('cron "0 9 * * *" (UTC)');
    expect(describeSpec({ intervalSeconds: 3600, timezone: 'UTC' })).toBe('every 1h 00m');
    expect(idRanges([1, 2, 3, 7, 9, 10])).toBe('1-3 7 9-10');
  });

  it('names the URL and `npm start` when the connection is refused', () => {
    const err = describeNetworkError(new TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } }), 'http://127.0.0.1:9');
    expect(err.message).toMatch(/http:\/\/127\.0\.0\.1:9.*connection refused.*npm start/);
  });
});
