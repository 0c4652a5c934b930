import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { TEST_PAYLOAD_KEYS } from './payload-codec.js';

/** The repository root: every process runs from here, and test data folders live under its .data/. */
export const ROOT = path.resolve(import.meta.dirname, '../..');

export interface ServiceProcess {
  name: string;
  child: ChildProcess;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  /** Its last lines, for failure messages. */
  tail(lines?: number): string;
  /** Resolves with the first line matching `pattern` (already printed or to come); rejects if the process exits first or after `ms`. */
  waitForOutput(pattern: RegExp, ms?: number): Promise<string>;
  /** Resolves with the exit code (or signal name) once the process has exited. */
  exited: Promise<number | string>;
  /** How it ended when it ended on its own (not through stop() or kill()); null while it runs or after either. */
  unexpectedExit(): string | null;
  /** SIGINT (like Ctrl-C), then SIGKILL after `ms`; resolves once it has exited. */
  stop(ms?: number): Promise<number | string>;
  /** kill -9, expected by the test; resolves once it has exited. */
  kill(): Promise<void>;
}

/**
 * Runs an entry point (`src/main.ts`, `src/api-server.ts`, `src/worker.ts`, a test's own load script through
 * tsx; a compiled one such as `dist/worker.js` with node alone) as a real child process from the repository
 * root, with the tests' payload keys and `env` on top of the test's environment. The one way the tests run a
 * process of their own.
 */
export function startServiceProcess(entry: string, env: Record<string, string>, name = path.basename(entry).replace(/\.(ts|js)$/, '')): ServiceProcess {
  const args = entry.endsWith('.ts') ? ['--import', 'tsx', entry] : [entry];
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'info', TEMPORAL_PAYLOAD_KEYS: TEST_PAYLOAD_KEYS, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let expectedEnd = false;
  let ownExit: string | null = null;
  const waiters = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    out += chunk.toString();
    for (const w of waiters) w();
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => {
      if (!expectedEnd) ownExit = `${name} exited on its own (code ${code}, signal ${signal})`;
      resolve(code ?? signal ?? 'unknown');
    }),
  );
  const tail = (lines = 40) => out.trimEnd().split('\n').slice(-lines).join('\n');
  const firstLine = (pattern: RegExp) => out.split('\n').find((line) => pattern.test(line));
  const waitForOutput = (pattern: RegExp, ms = 120_000) =>
    new Promise<string>((resolve, reject) => {
      const check = () => {
        const line = firstLine(pattern);
        if (line !== undefined) done(() => resolve(line));
      };
      const done = (fn: () => void) => {
        clearTimeout(timer);
        waiters.delete(check);
        fn();
      };
      const timer = setTimeout(() => done(() => reject(new Error(`${name}: no line matching ${pattern} within ${ms} ms:\n${tail()}`))), ms);
      waiters.add(check);
      void exited.then((code) => {
        const line = firstLine(pattern);
        done(() => (line !== undefined ? resolve(line) : reject(new Error(`${name} exited (${code}) before printing ${pattern}:\n${tail()}`))));
      });
      check();
    });
  const end = async (signal: NodeJS.Signals, ms: number) => {
    expectedEnd = true;
    if (child.exitCode === null && child.signalCode === null) {
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), ms);
      await exited;
      clearTimeout(timer);
    }
    return exited;
  };
  return {
    name,
    child,
    output: () => out,
    tail,
    waitForOutput,
    exited,
    unexpectedExit: () => ownExit,
    stop: (ms = 30_000) => end('SIGINT', ms),
    kill: async () => void (await end('SIGKILL', 0)),
  };
}
