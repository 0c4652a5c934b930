import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/program.js';
import { parseCsv } from '../../src/shared/csv.js';
import { TASK_EVENT_TYPES } from '../../src/shared/events/index.js';
import { runCli, show } from '../support/cli.js';
import { json, useCliStack } from '../support/cli-stack.js';

/** `artgen` end to end (test/support/cli-stack.ts): help, health, keys, connections and distillation imports. */
const stack = useCliStack();

/** Every command path of the program: [], ['task'], ['task', 'create'], ... */
function commandPaths(cmd: Command, prefix: string[] = []): string[][] {
  return [prefix, ...cmd.commands.flatMap((c) => commandPaths(c, [...prefix, c.name()]))];
}

async function inBatches<T, R>(items: T[], size: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += size) out.push(...(await Promise.all(items.slice(i, i + size).map(fn))));
  return out;
}

describe('artgen basics', () => {
  it('--help works on every command and group (exit 0); a group without a command is a usage error (exit 2)', async () => {
    const paths = commandPaths(buildProgram());
    expect(paths.length).toBeGreaterThan(30);
    const results = await inBatches(paths, 8, async (p) => ({ p, r: await runCli([...p, '--help']) }));
    for (const { p, r } of results) {
      expect(r.code, `artgen ${p.join(' ')} --help\n${show(r)}`).toBe(0);
      expect(r.stdout).toContain(`Usage: artgen${p.length ? ` ${p.join(' ')}` : ''}`);
    }
    const watchHelp = results.find(({ p }) => p.join(' ') === 'task watch')!.r.stdout;
    expect(watchHelp).toMatch(/3 {2}the task failed/);
    expect(watchHelp).toMatch(/5 {2}the task timed out/);
    for (const type of TASK_EVENT_TYPES) expect(watchHelp).toMatch(new RegExp(`^ {2}${type.replace('.', '\\.')} +\\w`, 'm'));
    expect(watchHelp).toMatch(/task\.timeout +.*\(the watch ends\)/);

    const bare = await runCli(['task']);
    expect(bare.code, show(bare)).toBe(2);
    const unknown = await runCli(['task', 'lst']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown command 'lst'");
    const badId = await runCli(['task', 'status', 'abc']);
    expect(badId.code).toBe(2);
  });

  it('monitor health exits 0 with both dependencies up, without an API key', async () => {
    const r = await runCli(['--url', stack.api.url, 'monitor', 'health']);
    expect(r.code, show(r)).toBe(0);
    expect(r.stdout).toMatch(/database\s+ok/);
    expect(r.stdout).toMatch(/temporal\s+ok/);
    expect(r.stdout).toContain('overall: ok');
    const j = await runCli(['--url', stack.api.url, '--format', 'json', 'monitor', 'health']);
    expect(json(j)).toMatchObject({ status: 'ok', database: { status: 'ok' }, temporal: { status: 'ok' } });
  });

  it('an unknown API key exits 1 with the API 401 message; no key at all says how to give one', async () => {
    const r = await runCli(['--url', stack.api.url, '--api-key', 'ak_not_a_real_key_0123456789', 'task', 'list']);
    expect(r.code, show(r)).toBe(1);
    expect(r.stderr).toContain('The API key is unknown.');
    expect(r.stderr).toContain('INVALID_API_KEY, HTTP 401');
    expect(r.stdout).toBe('');
    const none = await runCli(['--url', stack.api.url, 'task', 'list']);
    expect(none.code, show(none)).toBe(1);
    expect(none.stderr).toContain('UNAUTHENTICATED');
    expect(none.stderr).toContain('--api-key');
    // ARTGEN_API_KEY and ./.data/api-key are honoured.
    const a = await stack.account();
    const viaEnv = await runCli(['task', 'list'], { env: { ARTGEN_URL: stack.api.url, ARTGEN_API_KEY: a.apiKey } });
    expect(viaEnv.code, show(viaEnv)).toBe(0);
    const embedded = mkdtempSync(path.join(tmpdir(), 'artgen-embedded-'));
    mkdirSync(path.join(embedded, '.data'));
    writeFileSync(path.join(embedded, '.data', 'api-key'), `${a.apiKey}\n`);
    const viaFile = await runCli(['--url', stack.api.url, 'task', 'list', '--format', 'json'], { cwd: embedded });
    expect(viaFile.code, show(viaFile)).toBe(0);
    expect(json(viaFile)).toMatchObject({ tasks: [], total: 0 });
  });

  it('a refused connection exits 1 naming the URL and suggesting npm start', async () => {
    const server = http.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const r = await runCli(['--url', `http://127.0.0.1:${port}`, '--api-key', 'ak_whatever_123456', 'task', 'list']);
    expect(r.code, show(r)).toBe(1);
    expect(r.stderr).toContain(`http://127.0.0.1:${port}`);
    expect(r.stderr).toContain('connection refused');
    expect(r.stderr).toContain('npm start');
  });
});

describe('distillations import', () => {
  const goodCsv = ['keyword,topics', '"AI search, ranking","How do AI assistants pick sources?|Do citations matter, really?"', '内容营销,内容营销怎么做？|内容营销的效果如何衡量？', 'GEO optimisation,"What is ""GEO""?"', ''].join('\r\n');

  it('imports a good CSV file (quoted commas and quotes, | separated topics)', async () => {
    const a = await stack.account();
    const r = await a.cli(['distillations', 'import', stack.file('good.csv', goodCsv)]);
    expect(r.code, show(r)).toBe(0);
    expect(r.stdout).toMatch(/imported:\s+3/);
    const list = json(await a.cli(['distillations', 'list', '--format', 'json']));
    expect(list.total).toBe(3);
    const byKeyword = new Map<string, any>(list.items.map((d: any) => [d.keyword, d]));
    expect(byKeyword.get('AI search, ranking')?.topicCount).toBe(2);
    expect(byKeyword.get('内容营销')?.topicCount).toBe(2);
    const shown = json(await a.cli(['distillations', 'show', String(byKeyword.get('GEO optimisation').id), '--format', 'json']));
    expect(shown.topics).toEqual(['What is "GEO"?']);
    const ai = json(await a.cli(['distillations', 'show', String(byKeyword.get('AI search, ranking').id), '--format', 'json']));
    expect(ai.topics).toEqual(['How do AI assistants pick sources?', 'Do citations matter, really?']);
  });

  it('imports a good JSON file, as an array and as {distillations}', async () => {
    const a = await stack.account();
    const arr = await a.cli(['distillations', 'import', stack.file('arr.json', JSON.stringify([{ keyword: 'json one', topics: ['t1', 't2'] }, { keyword: 'json two', topics: ['t3'] }])), '--format', 'json']);
    expect(arr.code, show(arr)).toBe(0);
    expect(json(arr)).toMatchObject({ imported: 2, batches: 1, skipped: [] });
    const obj = await a.cli(['distillations', 'import', stack.file('obj.json', JSON.stringify({ distillations: [{ keyword: 'json three', topics: ['t4'] }] }))]);
    expect(obj.code, show(obj)).toBe(0);
    expect(await stack.distillationCount(a.accountId)).toBe(3);
  });

  it('a CSV with bad rows exits 1, lists their lines and imports nothing', async () => {
    const a = await stack.account();
    const text = ['keyword,topics', 'fine,a question', ',topic without keyword', 'no topics,', `"multi`, `line keyword",ok`, 'x'.repeat(201) + ',t', ''].join('\n');
    const r = await a.cli(['distillations', 'import', stack.file('bad.csv', text)]);
    expect(r.code, show(r)).toBe(1);
    expect(r.stderr).toContain('3 of 5 row(s)');
    expect(r.stderr).toContain('nothing was imported');
    expect(r.stderr).toMatch(/line 3: keyword is empty/);
    expect(r.stderr).toMatch(/line 4 \("no topics"\): no topics/);
    expect(r.stderr).toMatch(/line 7 .*keyword is 201 characters long/);
    expect(r.stderr).not.toMatch(/line 5/);
    expect(await stack.distillationCount(a.accountId)).toBe(0);
  });

  it('a JSON file with a bad entry exits 1 naming its index and imports nothing', async () => {
    const a = await stack.account();
    const r = await a.cli(['distillations', 'import', stack.file('bad.json', JSON.stringify([{ keyword: 'ok', topics: ['t'] }, { keyword: 'bad', topics: [] }, { keyword: 'bad2', topics: ['y'.repeat(501)] }]))]);
    expect(r.code, show(r)).toBe(1);
    expect(r.stderr).toMatch(/index 1 \("bad"\): no topics/);
    expect(r.stderr).toMatch(/index 2 \("bad2"\): topic 1 is 501 characters long/);
    expect(await stack.distillationCount(a.accountId)).toBe(0);
  });

  it('--skip-invalid imports the good rows and lists the skipped ones', async () => {
    const a = await stack.account();
    const text = ['keyword,topics', 'good one,q1', 'bad one,', 'good two,q2|q3', ''].join('\n');
    const r = await a.cli(['distillations', 'import', stack.file('mixed.csv', text), '--skip-invalid', '--format', 'json']);
    expect(r.code, show(r)).toBe(0);
    expect(r.stderr).toMatch(/Skipping 1 invalid row.*\n\s+line 3 \("bad one"\): no topics/);
    const out = json(r);
    expect(out).toMatchObject({ imported: 2, skipped: [{ line: 3, keyword: 'bad one' }] });
    expect(out.ids).toHaveLength(2);
    expect(await stack.distillationCount(a.accountId)).toBe(2);
  });

  it('sends a large file in batches of 500', async () => {
    const a = await stack.account();
    const rows = Array.from({ length: 1001 }, (_, i) => `batch kw ${i},question ${i}|another ${i}`);
    const r = await a.cli(['distillations', 'import', stack.file('big.csv', ['keyword,topics', ...rows].join('\n')), '--format', 'csv']);
    expect(r.code, show(r)).toBe(0);
    const records = parseCsv(r.stdout);
    expect(records[0]!.fields).toEqual(['line', 'id', 'keyword', 'topics']);
    expect(records).toHaveLength(1002);
    expect(records[1]!.fields.slice(2)).toEqual(['batch kw 0', '2']);
    expect(await stack.distillationCount(a.accountId)).toBe(1001);
  });

  it('deletes distillations, exiting 1 when one of them is unknown', async () => {
    const a = await stack.account(['del a', 'del b']);
    const list = json(await a.cli(['distillations', 'list', '--format', 'json']));
    const ids = list.items.map((d: any) => String(d.id));
    const r = await a.cli(['distillations', 'delete', ...ids, '999999999']);
    expect(r.code, show(r)).toBe(1);
    expect(r.stdout).toContain('deleted');
    expect(r.stdout).toMatch(/999999999\s+distillation 999999999 was not found\s+NOT_FOUND/);
    expect(await stack.distillationCount(a.accountId)).toBe(0);
  });
});

