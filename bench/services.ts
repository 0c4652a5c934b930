// What the benches start, in one place: PostgreSQL and a Temporal dev server under .data/, and service
// processes (API, worker) that count as started once they print their ready line. All of it is stopped by
// the bench's clean-up, however the bench ends.
import type { ChildProcess } from 'node:child_process';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { startEmbeddedPostgres } from '../src/infra/embedded-postgres.js';
import { resolveTemporalCli } from '../src/infra/temporal-cli.js';
import { findFreePort, startTemporalDevServer } from '../src/infra/temporal-dev-server.js';
import type { benchCleanup } from './cleanup.js';

export const ROOT = path.resolve(import.meta.dirname, '..');
const quiet = { info: () => undefined, warn: (m: string) => console.warn(m) };
type Cleanup = ReturnType<typeof benchCleanup>;

/**
 * PostgreSQL (database `bench`) and a Temporal dev server with their data in `.data/<name>-<pid>`, removed
 * at clean-up after both have stopped.
 */
export async function startBenchStack(cleanup: Cleanup, name: string) {
  const runDir = path.join(ROOT, '.data', `${name}-${process.pid}`);
  // Registered first, so it runs last: the servers stop before their folder goes.
  cleanup.onStop(() => rm(runDir, { recursive: true, force: true, maxRetries: 5 }));
  const pg = await startEmbeddedPostgres({ dataDir: path.join(runDir, 'pg'), port: await findFreePort(), database: 'bench', log: quiet, persistent: false });
  cleanup.onStop(pg.stop);
  const cli = await resolveTemporalCli({ cliPath: process.env.TEMPORAL_CLI_PATH, toolsDir: path.join(ROOT, '.tools'), log: quiet });
  const temporal = await startTemporalDevServer({
    cliPath: cli.path, stateDir: runDir, port: await findFreePort(), uiPort: await findFreePort(), namespace: 'default', persistent: false, headless: true, log: quiet,
  });
  cleanup.onStop(temporal.stop);
  return { pg, temporal, runDir };
}

/** Runs `script` through tsx in its own process group (stopped at clean-up); resolves once it printed `readyText`. */
export function spawnService(cleanup: Cleanup, script: string, env: Record<string, string>, readyText: string, nodeArgs: string[] = []): Promise<ChildProcess> {
  const child = cleanup.spawn(process.execPath, [...nodeArgs, '--import', 'tsx', script], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  return new Promise((resolve, reject) => {
    const onData = (b: Buffer) => {
      out += b.toString();
      if (out.includes(readyText)) resolve(child);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${script} exited (${code}):\n${out.slice(-2000)}`)));
  });
}
