import path from 'node:path';
import { resolveTemporalCli } from '../../../src/infra/temporal-cli.js';
import { findFreePort, startTemporalDevServer, type TemporalDevServer } from '../../../src/infra/temporal-dev-server.js';
import { ROOT } from '../../support/service-process.js';

export interface RestartableTemporal {
  address: string;
  /** kill -9 of the dev server, then a new one on the same port and the same database file. */
  crashRestart(): Promise<void>;
  /** True when the current server ended without being asked to. */
  exitedOnItsOwn(): boolean;
  stop(): Promise<void>;
}

/** A persistent Temporal dev server of its own (state in `stateDir`), which the test can kill and start again. */
export async function startRestartableTemporal(stateDir: string): Promise<RestartableTemporal> {
  const log = { info: () => undefined, warn: (m: string) => console.warn(`[temporal] ${m}`) };
  const cli = await resolveTemporalCli({ cliPath: process.env.TEMPORAL_CLI_PATH, toolsDir: path.join(ROOT, '.tools'), log });
  const port = await findFreePort();
  const uiPort = await findFreePort();
  const start = () =>
    startTemporalDevServer({ cliPath: cli.path, stateDir, port, uiPort, namespace: 'default', persistent: true, headless: true, log });
  let server: TemporalDevServer = await start();
  let killedByUs = false;
  const alive = (pid: number) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  return {
    address: server.address,
    async crashRestart() {
      killedByUs = true;
      process.kill(server.pid, 'SIGKILL');
      await server.stop(); // waits for nothing but the exit and clears the pid file
      killedByUs = false;
      server = await start();
    },
    exitedOnItsOwn: () => !killedByUs && !alive(server.pid),
    stop: () => server.stop(),
  };
}
