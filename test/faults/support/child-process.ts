import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '../../..');

export interface WatchedProcess {
  name: string;
  child: ChildProcess;
  /** The last lines it wrote (stdout and stderr), for failure messages. */
  tail(): string;
  /** How it ended when it ended on its own (not through stop() or kill()); null while it runs. */
  unexpectedExit(): string | null;
  /** Resolves once a line matching `pattern` appears (rejects if the process ends first). */
  waitForLine(pattern: RegExp, ms?: number): Promise<string>;
  /** kill -9, expected by the test (not counted as an unexpected exit). */
  kill(): Promise<void>;
  /** SIGTERM, then SIGKILL after 10 s. */
  stop(): Promise<void>;
}

/** Runs `node --import tsx <script>` from the repo root and records what it prints and how it ends. */
export function startTsProcess(name: string, script: string, env: Record<string, string>): WatchedProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const waiters = new Set<{ pattern: RegExp; resolve: (l: string) => void }>();
  let expected = false;
  let exit: string | null = null;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      if (!expected) exit = `${name} exited on its own (code ${code}, signal ${signal})`;
      resolve();
    });
  });
  const onChunk = (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) {
      if (!line.trim()) continue;
      lines.push(line);
      for (const w of waiters) {
        if (!w.pattern.test(line)) continue;
        waiters.delete(w);
        w.resolve(line);
      }
    }
    lines.splice(0, Math.max(0, lines.length - 200));
  };
  child.stdout!.on('data', onChunk);
  child.stderr!.on('data', onChunk);
  const tail = () => lines.slice(-40).join('\n');
  const end = async (signal: NodeJS.Signals) => {
    expected = true;
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };
  return {
    name,
    child,
    tail,
    unexpectedExit: () => exit,
    waitForLine(pattern, ms = 120_000) {
      const seen = lines.find((l) => pattern.test(l));
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const waiter = { pattern, resolve };
        waiters.add(waiter);
        const timer = setTimeout(() => reject(new Error(`${name}: no line matching ${pattern} within ${ms} ms:\n${tail()}`)), ms);
        void exited.then(() => {
          clearTimeout(timer);
          if (waiters.delete(waiter)) reject(new Error(`${name} ended before printing ${pattern}:\n${tail()}`));
        });
        const settle = waiter.resolve;
        waiter.resolve = (l) => (clearTimeout(timer), settle(l));
      });
    },
    kill: () => end('SIGKILL'),
    stop: () => end('SIGTERM'),
  };
}
