import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { FIGURE_LIMITS } from '../../bench/figures.js';
import { ROOT } from '../support/service-process.js';

let dir = '';
afterAll(() => rm(dir, { recursive: true, force: true }));

it('`npm run bench -- --quick --json FILE` runs with the defaults users run, rewrites no draft, and writes every headline figure as {value, limit, pass}', { timeout: 900_000 }, async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'bench-json-'));
  const file = path.join(dir, 'figures.json');
  // The defaults: no QUALITY_* variable of the test run reaches the bench.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('QUALITY_')));
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/run.ts', '--quick', '--json', file], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr.on('data', (b: Buffer) => (out += b.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  // 1 is a run whose figures missed a limit (this machine is busy); anything else is the bench failing.
  expect([0, 1], out.slice(-3000)).toContain(code);
  const report = JSON.parse(await readFile(file, 'utf8'));
  expect(report.quick).toBe(true);
  expect(report.llmRequestsBeyondOnePerArticle).toBe(0);
  expect(Object.keys(report.figures)).toEqual(Object.keys(FIGURE_LIMITS));
  for (const [name, figure] of Object.entries<any>(report.figures)) {
    expect(figure.limit, name).toEqual(FIGURE_LIMITS[name as keyof typeof FIGURE_LIMITS]);
    expect(typeof figure.value, name).toBe('number');
    expect(figure.pass, name).toBe(figure.limit.op === '<=' ? figure.value <= figure.limit.value : figure.value >= figure.limit.value);
  }
});
