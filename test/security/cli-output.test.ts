import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/shared/csv.js';
import { renderOutput, type Output } from '../../src/cli/format.js';
import { cliFor, show } from '../support/cli.js';
import { createIsolatedDatabase, newAccount, seedDistillations } from '../support/db.js';
import { useApiWithoutWorker } from '../support/stack.js';

/**
 * Stored text reaches a spreadsheet and a terminal through the CLIs (issue 15, item 14): a CSV cell that
 * a spreadsheet would run as a formula is escaped, and control characters never reach the terminal.
 */

const stack = useApiWithoutWorker();

const FORMULAS = ["=cmd|' /C calc'!A0", '+1+cmd', '-2+3+cmd', '@SUM(1+1)*cmd', '\t=1+1', '\r=1+1'];
/** ESC (a colour and a screen clear), VT, BEL, BS, DEL and the C1 CSI, NEL and OSC. */
const CONTROLS = 'esc\u001b[31mred\u001b[2J vt\u000b bell\u0007 bs\u0008 del\u007f csi\u009b2J nel\u0085 osc\u009d0;x\u0007 end';
/** What a terminal must never be handed: every C0 control but the line feed, DEL and every C1 control. */
const TERMINAL_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

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

describe('artgen as a subprocess', () => {
  it('distillations list: CSV escapes formulas; the table passes no control character', async () => {
    const account = await newAccount(stack.database);
    await seedDistillations(stack.database, account.accountId, [...FORMULAS.slice(0, 4), CONTROLS].map((keyword) => ({ keyword })));
    const cli = cliFor(stack.api.url, account.apiKey);
    const csv = await cli(['distillations', 'list', '--format', 'csv']);
    expect(csv.code, show(csv)).toBe(0);
    const [header, ...records] = parseCsv(csv.stdout).map((r) => r.fields);
    const keywords = records.map((fields) => fields[header!.indexOf('keyword')]);
    for (const formula of FORMULAS.slice(0, 4)) expect(keywords).toContain(`'${formula}`);
    // CSV ends its records with CRLF; no other control character gets through.
    expect(csv.stdout.replace(/\r\n/g, '\n')).not.toMatch(TERMINAL_CONTROL);
    const table = await cli(['distillations', 'list']);
    expect(table.code, show(table)).toBe(0);
    expect(table.stdout).toContain('esc[31mred');
    expect(table.stdout).not.toMatch(TERMINAL_CONTROL);
  });

  it('npm run admin account list passes no control character from an account name', async () => {
    const url = await createIsolatedDatabase(`cli_output_${process.pid}`);
    const created = await runAdmin(['account', 'create', `team${CONTROLS}`], url);
    expect(created.code, created.stderr).toBe(0);
    const listed = await runAdmin(['account', 'list'], url);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toContain('teamesc[31mred');
    for (const out of [created.stdout, listed.stdout]) expect(out.replace(/\t/g, ' ')).not.toMatch(TERMINAL_CONTROL);
  });
});

function runAdmin(args: string[], databaseUrl: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.resolve('node_modules/tsx/dist/cli.mjs'), 'scripts/admin.ts', ...args], {
      env: { ...process.env, DATABASE_URL: databaseUrl, LOG_LEVEL: 'silent' },
      stdio: 'pipe',
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
