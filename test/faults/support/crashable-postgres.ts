import { execFile } from 'node:child_process';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { startEmbeddedPostgres } from '../../../src/infra/embedded-postgres.js';
import { credentialsFileOf } from '../../../src/infra/embedded-postgres-credentials.js';
import { findFreePort } from '../../../src/infra/process-utils.js';

const run = promisify(execFile);

export interface CrashablePostgres {
  url: string;
  dataDir: string;
  /** `pg_ctl restart -m immediate`: every backend dies at once (a crash), recovery replays the WAL. */
  crashRestart(): Promise<void>;
  stop(): Promise<void>;
}

/** pg_ctl of the embedded-postgres binaries (the package for this platform). */
async function pgCtlPath(): Promise<string> {
  const binaries = (await import(`@embedded-postgres/${process.platform}-${process.arch}`)) as { pg_ctl: string };
  return binaries.pg_ctl;
}

/** PostgreSQL refuses to run as root; embedded-postgres runs it as the `postgres` user then, and so must pg_ctl. */
async function runAsIds(): Promise<{ uid?: number; gid?: number }> {
  if (process.getuid?.() !== 0) return {};
  const [uid, gid] = await Promise.all([run('id', ['-u', 'postgres']), run('id', ['-g', 'postgres'])]);
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

/**
 * A PostgreSQL of its own for a fault test (embedded-postgres, data in `dataDir`, deleted on stop),
 * which the test can crash-restart. After the first restart pg_ctl, not embedded-postgres, owns the
 * server process, so stop() goes through pg_ctl as well.
 */
export async function startCrashablePostgres(dataDir: string, database: string): Promise<CrashablePostgres> {
  await rm(dataDir, { recursive: true, force: true });
  const pgCtl = await pgCtlPath();
  const ids = await runAsIds();
  const quiet = { info: () => undefined, warn: () => undefined };
  const pg = await startEmbeddedPostgres({ dataDir, port: await findFreePort(), database, log: quiet, persistent: true });
  // pg_ctl's server log; the postgres user may not write into dataDir's parent.
  const logFile = path.join(dataDir, 'pg_ctl.log');
  const pgCtlRun = (args: string[]) => run(pgCtl, ['-D', dataDir, ...args], { ...ids, timeout: 120_000 });
  let restarted = false;
  return {
    url: pg.url,
    dataDir,
    async crashRestart() {
      restarted = true;
      await pgCtlRun(['restart', '-m', 'immediate', '-w', '-t', '90', '-l', logFile]);
    },
    async stop() {
      if (restarted) await pgCtlRun(['stop', '-m', 'fast', '-w']).catch(() => undefined);
      await pg.stop();
      await rm(dataDir, { recursive: true, force: true });
      await rm(credentialsFileOf(dataDir), { force: true });
    },
  };
}
