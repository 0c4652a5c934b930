import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { TEST_PAYLOAD_KEYS } from './payload-codec.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

export interface ServiceProcess {
  child: ChildProcess;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  /** Resolves once the output matches `pattern`; rejects if the process exits first or after `ms`. */
  waitForOutput(pattern: RegExp, ms?: number): Promise<void>;
  /** Resolves with the exit code (or signal name) once the process has exited. */
  exited: Promise<number | string>;
  /** SIGINT (like Ctrl-C), then SIGKILL after `ms`; resolves once it has exited. */
  stop(ms?: number): Promise<number | string>;
}

/** Runs one of the service's entry points (`src/main.ts`, `src/api/server.ts`, ...) as a real process. */
export function startServiceProcess(entry: string, env: Record<string, string>): ServiceProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'info', TEMPORAL_PAYLOAD_KEYS: TEST_PAYLOAD_KEYS, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const waiters = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    out += chunk.toString();
    for (const w of waiters) w();
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')),
  );
  const waitForOutput = (pattern: RegExp, ms = 120_000) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (pattern.test(out)) done(resolve);
      };
      const done = (fn: () => void) => {
        clearTimeout(timer);
        waiters.delete(check);
        fn();
      };
      const timer = setTimeout(() => done(() => reject(new Error(`no ${pattern} within ${ms} ms; output:\n${out.slice(-3000)}`))), ms);
      waiters.add(check);
      void exited.then((code) => done(() => (pattern.test(out) ? resolve() : reject(new Error(`${entry} exited (${code}) before ${pattern}; output:\n${out.slice(-3000)}`)))));
      check();
    });
  const stop = async (ms = 30_000) => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGINT');
      const timer = setTimeout(() => child.kill('SIGKILL'), ms);
      await exited;
      clearTimeout(timer);
    }
    return exited;
  };
  return { child, output: () => out, waitForOutput, exited, stop };
}
