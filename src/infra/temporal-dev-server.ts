import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, fstatSync, openSync, writeSync } from 'node:fs';
import { mkdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import type { InfraLogger } from '../logger.js';
import { isPortFree, isProcessAlive, readCmdline, sleep, tailFile, terminateProcess } from './process-utils.js';
import { narrowToOwner, PRIVATE_FILE_MODE, writePrivateFile } from './private-files.js';
import { StartupError } from './startup-error.js';

export { findFreePort, isPortFree } from './process-utils.js';

export type SearchAttributeType = 'Int' | 'Keyword' | 'Text' | 'Bool' | 'Datetime' | 'Double' | 'KeywordList';
export const DEFAULT_SEARCH_ATTRIBUTES: Readonly<Record<string, SearchAttributeType>> = {
  TaskId: 'Int',
  TaskStatus: 'Keyword',
  AccountId: 'Int',
  Priority: 'Int',
};

export interface TemporalDevServerOptions {
  cliPath: string;
  stateDir: string;
  port: number;
  uiPort: number;
  namespace: string;
  /** Keep workflows across restarts in `<stateDir>/temporal.db` (sqlite). */
  persistent: boolean;
  headless?: boolean;
  /**
   * The remote codec the Web UI calls from the browser (`--ui-codec-endpoint`), e.g. the API's
   * `/api/temporal-codec`: the UI then shows histories decoded to whoever that endpoint lets in.
   */
  uiCodecEndpoint?: string;
  log: InfraLogger;
  searchAttributes?: Record<string, SearchAttributeType>;
}

export interface TemporalDevServer {
  address: string;
  uiUrl: string | null;
  pid: number;
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 10_000;

const isDevServerCmdline = (argv: string[] | null): boolean =>
  !!argv?.[0] && path.basename(argv[0]).includes('temporal') && argv.includes('server') && argv.includes('start-dev');

/**
 * A dev server still running from `pidFile` is replaced only when the process that started it (the
 * file's fourth line) is gone; one whose owner still runs belongs to another instance and is left alone.
 */
async function replaceLeftover(pidFile: string, log: InfraLogger): Promise<void> {
  const content = await readFile(pidFile, 'utf8').catch(() => null);
  if (content === null) return;
  const lines = content.split('\n');
  const pid = Number.parseInt(lines[0] ?? '', 10);
  const owner = Number.parseInt(lines[3] ?? '', 10);
  if (Number.isInteger(pid) && pid > 0 && (await isProcessAlive(pid))) {
    if (isDevServerCmdline(await readCmdline(pid))) {
      if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && (await isProcessAlive(owner))) {
        throw new StartupError(
          `the Temporal dev server of ${path.dirname(pidFile)} (pid ${pid}) belongs to a running process (pid ${owner}); ` +
            'stop that process first, or use another DATA_DIR',
        );
      }
      log.warn(`found a leftover Temporal dev server (pid ${pid}) from an earlier run; stopping it`);
      await terminateProcess(pid, 'SIGTERM', STOP_TIMEOUT_MS);
    } else {
      log.warn(`pid file ${pidFile} names pid ${pid}, which is not a Temporal dev server; ignoring it`);
    }
  }
  await rm(pidFile, { force: true });
}

async function probe(address: string, namespace: string): Promise<void> {
  const conn = await Connection.connect({ address, connectTimeout: 2_000 });
  try {
    await conn.withDeadline(Date.now() + 3_000, async () => {
      await conn.workflowService.getSystemInfo({});
      await conn.workflowService.describeNamespace({ namespace });
    });
  } finally {
    await conn.close();
  }
}

function waitForExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/** Starts `temporal server start-dev` and resolves once the frontend answers for `namespace`. */
/**
 * Dynamic config of the embedded dev server (and, through deploy/temporal-dynamicconfig.yaml, of the
 * docker-compose server), tuned for one node serving one product (measured with `npm run bench` and
 * `npm run bench:floor`, see docs/benchmarks.md):
 * - Temporal's development defaults: IDs up to 255 characters, search attributes visible at once after
 *   they are registered (workers register theirs on start);
 * - the new (priority-aware) matcher: server 1.32 orders by priority without it (test/engine/priority.test.ts
 *   passes; upstream made it the default in temporalio/temporal#9595), kept so task priority does not
 *   hinge on the default of whichever server docker-compose or an operator runs;
 * - one partition per task queue: on a single node, the default four only add forwarding between
 *   them and split a queue's rate limit (LLM_MAX_RPS) into four bursty buckets;
 * - the history transfer queue read up to 1000 times a second instead of 20: the dev server has one
 *   history shard, so at the default every activity and workflow task waited for the next 50 ms read
 *   once the first second's burst was spent (about 45 ms per dispatch).
 */
export const DEV_SERVER_DYNAMIC_CONFIG = [
  // The two values of Temporal's own development config (development-sql.yaml), which the
  // docker-compose server would otherwise lose by using this list instead.
  'limit.maxIDLength=255',
  'system.forceSearchAttributesCacheRefreshOnRead=true',
  'matching.useNewMatcher=true',
  // Task-queue fairness: tasks carry the account as fairness key, so accounts share a backlogged queue by weight.
  'matching.enableFairness=true',
  'matching.numTaskqueueReadPartitions=1',
  'matching.numTaskqueueWritePartitions=1',
  'history.transferProcessorMaxPollRPS=1000',
] as const;

export async function startTemporalDevServer(opts: TemporalDevServerOptions): Promise<TemporalDevServer> {
  const { log, port, uiPort, namespace } = opts;
  const headless = opts.headless ?? false;
  const stateDir = path.resolve(opts.stateDir);
  const pidFile = path.join(stateDir, 'temporal-dev-server.pid');
  const logFile = path.join(stateDir, 'temporal.log');
  await mkdir(stateDir, { recursive: true });
  await replaceLeftover(pidFile, log);

  const mustBeFree: Array<[number, string]> = [[port, 'port']];
  if (!headless) mustBeFree.push([uiPort, 'UI port']);
  for (const [p, what] of mustBeFree) {
    if (!(await isPortFree(p))) {
      throw new StartupError(`${what} ${p} is in use by another process; stop it or set TEMPORAL_PORT / TEMPORAL_UI_PORT`);
    }
  }

  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(port), '--ui-port', String(uiPort)];
  // "default" always exists; listing it again is harmless but noisy.
  if (namespace !== 'default') args.push('--namespace', namespace);
  args.push('--log-level', 'warn');
  for (const value of DEV_SERVER_DYNAMIC_CONFIG) args.push('--dynamic-config-value', value);
  for (const [name, type] of Object.entries(opts.searchAttributes ?? DEFAULT_SEARCH_ATTRIBUTES)) {
    args.push('--search-attribute', `${name}=${type}`);
  }
  const dbFile = path.join(stateDir, 'temporal.db');
  if (opts.persistent) args.push('--db-filename', dbFile);
  if (headless) args.push('--headless');
  else if (opts.uiCodecEndpoint) args.push('--ui-codec-endpoint', opts.uiCodecEndpoint);
  // Workflow histories, its log: this OS user's only. sqlite creates the -wal and -shm files with the
  // database file's mode; files of an earlier version may still be readable by everyone.
  const privateFiles = [dbFile, `${dbFile}-wal`, `${dbFile}-shm`, logFile];
  await narrowToOwner(privateFiles);

  const fd = openSync(logFile, 'a', PRIVATE_FILE_MODE);
  const logOffset = fstatSync(fd).size; // error tails show only this run's output
  let child: ChildProcess;
  try {
    writeSync(fd, `\n=== ${new Date().toISOString()} starting: ${opts.cliPath} ${args.join(' ')}\n`);
    child = spawn(opts.cliPath, args, { stdio: ['ignore', fd, fd], detached: false });
  } finally {
    closeSync(fd);
  }
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', (err) => reject(new Error(`could not start ${opts.cliPath}: ${err.message}`)));
  });
  const pid = child.pid ?? -1;
  await writePrivateFile(pidFile, `${pid}\n${port}\n${headless ? '' : uiPort}\n${process.pid}\n`);
  // Best effort: a parent that exits without stop() should not leave the server running.
  const onParentExit = (): void => void child.kill('SIGTERM');
  process.once('exit', onParentExit);

  let stopping: Promise<void> | null = null;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      process.removeListener('exit', onParentExit);
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        if (!(await waitForExit(child, STOP_TIMEOUT_MS))) {
          log.warn(`Temporal dev server (pid ${pid}) ignored SIGTERM for ${STOP_TIMEOUT_MS / 1000}s; killing it`);
          child.kill('SIGKILL');
          await waitForExit(child, 5_000);
        }
      }
      // A later start may already have replaced us (leftover handling); keep its pid file.
      const current = await readFile(pidFile, 'utf8').catch(() => '');
      if (current.split('\n')[0] === String(pid)) await rm(pidFile, { force: true });
    })());

  const address = `127.0.0.1:${port}`;
  const started = Date.now();
  // Connection attempts to a not-yet-listening port block until connectTimeout; don't wait on them if the child died.
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let lastError: unknown;
  try {
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) {
        const how = child.exitCode !== null ? `code ${child.exitCode}` : `signal ${child.signalCode}`;
        throw new Error(`Temporal dev server exited early (${how}); last lines of ${logFile}:\n${await tailFile(logFile, 20, logOffset)}`);
      }
      try {
        const probing = probe(address, namespace);
        probing.catch(() => undefined);
        await Promise.race([probing, exited]);
        if (child.exitCode === null && child.signalCode === null) break;
      } catch (err) {
        lastError = err;
      }
      if (Date.now() - started > READY_TIMEOUT_MS) {
        const why = lastError instanceof Error ? lastError.message : String(lastError);
        throw new Error(
          `Temporal dev server on ${address} not ready after ${READY_TIMEOUT_MS / 1000}s (${why}); ` +
            `last lines of ${logFile}:\n${await tailFile(logFile, 20, logOffset)}`,
        );
      }
      await sleep(250);
    }
  } catch (err) {
    await stop();
    throw err;
  }
  // A new database file took the mode the process umask allows.
  await narrowToOwner(privateFiles);
  log.info(
    `Temporal dev server ready on ${address} (pid ${pid}, namespace ${namespace}, ` +
      `${opts.persistent ? 'persistent' : 'in-memory'}) in ${Date.now() - started} ms`,
  );
  return { address, uiUrl: headless ? null : `http://127.0.0.1:${uiPort}`, pid, stop };
}
