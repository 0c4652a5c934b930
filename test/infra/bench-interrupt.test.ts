import { existsSync } from 'node:fs';
import { spawn, type ChildProcess } from 'node:child_process';
import { readdir, readFile, readlink } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { waitFor } from '../support/api-server.js';
import { ROOT } from '../support/service-process.js';

interface ProcessInfo {
  pid: number;
  ppid: number;
  /** Its process group. */
  pgrp: number;
  state: string;
  command: string;
}

async function processTable(): Promise<ProcessInfo[]> {
  const rows: ProcessInfo[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    const cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    // pid (comm) state ppid pgrp ...; comm may hold spaces and parentheses.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (fields.length > 3) rows.push({ pid: Number(entry), state: fields[0]!, ppid: Number(fields[1]), pgrp: Number(fields[2]), command: cmdline.replaceAll('\0', ' ').trim() });
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

/** TCP ports the processes listen on, from their socket inodes and /proc/net/tcp{,6}. */
async function listeningPorts(pids: number[]): Promise<Set<number>> {
  const inodes = new Set<string>();
  for (const pid of pids) {
    for (const fd of await readdir(`/proc/${pid}/fd`).catch(() => [] as string[])) {
      const target = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '');
      const m = /^socket:\[(\d+)\]$/.exec(target);
      if (m) inodes.add(m[1]!);
    }
  }
  return listenersWhere((inode) => inodes.has(inode));
}

/** Local ports of listening TCP sockets (state 0A) whose inode passes `keep`. */
async function listenersWhere(keep: (inode: string) => boolean): Promise<Set<number>> {
  const ports = new Set<number>();
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    const rows = (await readFile(file, 'utf8').catch(() => '')).split('\n').slice(1);
    for (const row of rows) {
      const f = row.trim().split(/\s+/);
      if (f[3] === '0A' && keep(f[9]!)) ports.add(parseInt(f[1]!.split(':')[1]!, 16));
    }
  }
  return ports;
}

/** Still running: present and not a zombie waiting for a parent that does not reap. */
async function running(pid: number) {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  return stat !== '' && stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
}

let bench: ChildProcess | undefined;
let seen: ProcessInfo[] = [];

afterAll(async () => {
  if (bench?.pid && bench.exitCode === null) process.kill(-bench.pid, 'SIGKILL');
  for (const p of seen) if (await running(p.pid)) process.kill(p.pid, 'SIGKILL');
});

it('SIGTERM to `npm run bench` once its API is up stops the API, the worker, PostgreSQL and Temporal: no process is left in its process group or theirs, their ports are free, and its data is gone', { timeout: 300_000 }, async () => {
  // The bench finds the temporal CLI on PATH, as on a developer's machine. npm leads a process group of
  // its own, as in a terminal; the signal goes to npm alone, as `kill <pid>` or a supervisor sends it.
  const cliDir = path.dirname(process.env.TEMPORAL_CLI_PATH ?? path.join(ROOT, '.tools/bin/temporal'));
  const b = spawn('npm', ['run', 'bench'], { cwd: ROOT, env: { ...process.env, PATH: `${cliDir}:${process.env.PATH}` }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  bench = b;
  let out = '';
  b.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  b.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  const tail = () => out.slice(-3000);
  const exited = new Promise<number | string>((resolve) => b.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')));
  await waitFor('the bench to start its API process', async () => {
    if (b.exitCode !== null) throw new Error(`the bench exited early:\n${tail()}`);
    seen = await descendants(b.pid!);
    return seen.some((p) => p.command.includes('src/api-server.ts')) ? true : undefined;
  }, 240_000);
  const kinds = (s: ProcessInfo[]) => ['src/worker.ts', 'src/api-server.ts', 'postgres', 'temporal'].filter((k) => s.some((p) => p.command.includes(k)));
  expect(kinds(seen)).toEqual(['src/worker.ts', 'src/api-server.ts', 'postgres', 'temporal']);
  seen = await descendants(b.pid!);
  const groups = new Set([b.pid!, ...seen.map((p) => p.pgrp)]);
  const ports = await listeningPorts(seen.map((p) => p.pid));
  // The API, PostgreSQL and Temporal (frontend and UI) at least.
  expect(ports.size, tail()).toBeGreaterThanOrEqual(3);
  // The bench's own node process (below npm, sh and tsx's launcher) names its data folder.
  const benchPid = seen.find((p) => p.command.includes('tsx/dist/loader') && p.command.endsWith('bench/run.ts'))?.pid;
  const dataDir = path.join(ROOT, '.data', `bench-${benchPid}`);
  expect(existsSync(dataDir), seen.map((p) => `${p.pid} ${p.command}`).join('\n')).toBe(true);

  b.kill('SIGTERM');
  // npm passes the signal on and ends as the bench did: by the signal, or with its 143.
  expect([143, 'SIGTERM'], tail()).toContain(await exited);
  const survivors: ProcessInfo[] = [];
  for (const p of seen) if (await running(p.pid)) survivors.push(p);
  expect(survivors.map((p) => `${p.pid} ${p.command}`), tail()).toEqual([]);
  const inGroups = (await processTable()).filter((p) => groups.has(p.pgrp) && p.state !== 'Z');
  expect(inGroups.map((p) => `${p.pid} (group ${p.pgrp}) ${p.command}`), tail()).toEqual([]);
  const stillListening = await listenersWhere(() => true);
  expect([...ports].filter((port) => stillListening.has(port)), tail()).toEqual([]);
  expect(existsSync(dataDir), tail()).toBe(false);
  expect(out).not.toMatch(/bench clean-up:/);
});
