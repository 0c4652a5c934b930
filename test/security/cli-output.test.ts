import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/shared/csv.js';
import { cliFor, runAdmin, show } from '../support/cli.js';
import { CONTROLS, FORMULAS, TERMINAL_CONTROL } from '../support/hostile-text.js';
import { createIsolatedDatabase, newAccount, seedDistillations } from '../support/db.js';
import { useApiWithoutWorker } from '../support/stack.js';

/**
 * Stored text reaches a spreadsheet and a terminal through the CLIs (issue 15, item 14): a CSV cell that
 * a spreadsheet would run as a formula is escaped, and control characters never reach the terminal.
 * The rendering itself is checked in cli-output-text.unit.test.ts.
 */

const stack = useApiWithoutWorker();

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
