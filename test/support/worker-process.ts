import type { ChildProcess } from 'node:child_process';
import { startServiceProcess, type ServiceProcess } from './service-process.js';

/**
 * Several `npm run worker` processes for one test, each started with the given environment and resolved
 * once it polls. Crash one with `crash` (kill -9); `killAll` ends the ones still alive.
 */
export function workerProcesses(env: () => Record<string, string>) {
  const started: ServiceProcess[] = [];
  const alive = (p: ServiceProcess) => p.child.exitCode === null && p.child.signalCode === null;
  return {
    async start(): Promise<ChildProcess> {
      const worker = startServiceProcess('src/worker.ts', env(), `worker ${started.length + 1}`);
      started.push(worker);
      await worker.waitForOutput(/worker running/);
      return worker.child;
    },
    /** kill -9, resolved once the process is gone. */
    async crash(child: ChildProcess) {
      await started.find((p) => p.child === child)?.kill();
    },
    /** The live child with this pid (a Temporal worker identity starts with it). */
    byPid(pid: number): ChildProcess | undefined {
      return started.find((p) => p.child.pid === pid && alive(p))?.child;
    },
    async killAll() {
      for (const p of started) await p.kill();
    },
  };
}
