import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { waitFor } from '../support/api-server.js';
import { ROOT, startServiceProcess, type ServiceProcess } from '../support/service-process.js';

interface ProcessInfo {
  pid: number;
  ppid: number;
  state: string;
  command: string;
}

async function processTable(): Promise<ProcessInfo[]> {
  const rows: ProcessInfo[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    const cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    // pid (comm) state ppid ...; comm may hold spaces and parentheses.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (fields.length > 2) rows.push({ pid: Number(entry), state: fields[0]!, ppid: Number(fields[1]), command: cmdline.replaceAll('\0', ' ').trim() });
  }
  return rows;
}

/** Every process below `root`, by parent links. */
async function descendants(root: number): Promise<ProcessInfo[]> {
  const table = await processTable();
  const found: ProcessInfo[] = [];
  const parents = new Set([root]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const p of table) {
      if (parents.has(p.ppid) && !parents.has(p.pid)) {
        parents.add(p.pid);
        found.push(p);
        grew = true;
      }
    }
  }
  return found;
}

/** Still running: present and not a zombie waiting for a parent that does not reap. */
async function running(pid: number) {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  return stat !== '' && stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
}

let bench: ServiceProcess | undefined;
let seen: ProcessInfo[] = [];

afterAll(async () => {
  await bench?.kill();
  for (const p of seen) if (await running(p.pid)) process.kill(p.pid, 'SIGKILL');
});

it('SIGTERM to the bench process (`npm run bench`) once its API is up stops the API, the worker, PostgreSQL and Temporal, and removes its data', { timeout: 300_000 }, async () => {
  // The bench finds the temporal CLI on PATH, as on a developer's machine.
  const cliDir = path.dirname(process.env.TEMPORAL_CLI_PATH ?? path.join(ROOT, '.tools/bin/temporal'));
  bench = startServiceProcess('bench/run.ts', { PATH: `${cliDir}:${process.env.PATH}` }, 'bench');
  const b = bench;
  await waitFor('the bench to start its API process', async () => {
    if (b.child.exitCode !== null) throw new Error(`the bench exited early:\n${b.tail()}`);
    seen = await descendants(b.child.pid!);
    return seen.some((p) => p.command.includes('src/api-server.ts')) ? true : undefined;
  }, 240_000);
  const kinds = (s: ProcessInfo[]) => ['src/worker.ts', 'src/api-server.ts', 'postgres', 'temporal'].filter((k) => s.some((p) => p.command.includes(k)));
  expect(kinds(seen)).toEqual(['src/worker.ts', 'src/api-server.ts', 'postgres', 'temporal']);
  seen = await descendants(b.child.pid!);

  b.child.kill('SIGTERM');
  expect(await b.exited, b.tail()).toBe(143);
  const survivors: ProcessInfo[] = [];
  for (const p of seen) if (await running(p.pid)) survivors.push(p);
  expect(survivors.map((p) => `${p.pid} ${p.command}`), b.tail()).toEqual([]);
  expect(existsSync(path.join(ROOT, '.data', `bench-${b.child.pid}`)), b.tail()).toBe(false);
  expect(b.output()).not.toMatch(/bench clean-up:/);
});
