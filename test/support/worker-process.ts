import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { TEST_PAYLOAD_KEYS } from './payload-codec.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

/**
 * `npm run worker` as a real child process with the given environment on top of the test's; resolves
 * once it polls. Kill it with SIGKILL to crash it; `killAll` ends the ones still alive.
 */
export function workerProcesses(env: () => Record<string, string>) {
  const children: ChildProcess[] = [];
  return {
    start(): Promise<ChildProcess> {
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/worker.ts'], {
        cwd: ROOT,
        env: { ...process.env, TEMPORAL_PAYLOAD_KEYS: TEST_PAYLOAD_KEYS, ...env() },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      children.push(child);
      let output = '';
      return new Promise((resolve, reject) => {
        const onData = (chunk: Buffer) => {
          output += chunk.toString();
          if (output.includes('worker running')) resolve(child);
        };
        child.stdout!.on('data', onData);
        child.stderr!.on('data', onData);
        child.once('exit', (code) => reject(new Error(`worker exited early (${code}):\n${output.slice(-3000)}`)));
      });
    },
    /** kill -9, resolved once the process is gone. */
    async crash(child: ChildProcess) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await exited;
    },
    /** The live child with this pid (a Temporal worker identity starts with it). */
    byPid(pid: number): ChildProcess | undefined {
      return children.find((c) => c.pid === pid && c.exitCode === null && c.signalCode === null);
    },
    async killAll() {
      for (const c of children) await this.crash(c);
    },
  };
}
