import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Connection } from '@temporalio/client';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedPostgres } from '../../src/infra/embedded-postgres.js';
import { resolveTemporalCli } from '../../src/infra/temporal-cli.js';
import { findFreePort, isPortFree, startTemporalDevServer } from '../../src/infra/temporal-dev-server.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const workDir = path.join(root, '.data', `test-infra-${randomBytes(4).toString('hex')}`);
const T = { timeout: 120_000 };

function testLog(): { warns: string[]; info(m: string): void; warn(m: string): void } {
  const warns: string[] = [];
  return { warns, info: (m) => console.log(`[infra] ${m}`), warn: (m) => (warns.push(m), console.log(`[infra] WARN ${m}`)) };
}

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function holdPort(port: number): Promise<net.Server> {
  const srv = net.createServer();
  await new Promise<void>((resolve) => srv.listen(port, '127.0.0.1', resolve));
  return srv;
}

beforeAll(() => mkdir(workDir, { recursive: true }));
afterAll(() => rm(workDir, { recursive: true, force: true }));

describe('embedded postgres', () => {
  it('initialises, restarts on the same data and replaces a leftover server', T, async () => {
    const dataDir = path.join(workDir, 'pg');
    const port = await findFreePort();
    const opts = { dataDir, port, database: 'artgen_infra_test', log: testLog() };

    const pg1 = await startEmbeddedPostgres(opts);
    let sql = postgres(pg1.url, { max: 1, onnotice: () => undefined });
    expect(await sql`select 1 as one`).toEqual([{ one: 1 }]);
    await sql`create table kept (v int)`;
    await sql`insert into kept values (42)`;
    await sql.end();
    await pg1.stop();
    expect(await isPortFree(port)).toBe(true);

    const pg2 = await startEmbeddedPostgres(opts);
    sql = postgres(pg2.url, { max: 1 });
    expect(await sql`select v from kept`).toEqual([{ v: 42 }]);
    await sql.end();
    const leftoverPid = Number.parseInt((await readFile(path.join(dataDir, 'postmaster.pid'), 'utf8')).split('\n')[0]!, 10);

    // pg2 is never stopped: the next start must find it through postmaster.pid and replace it.
    const log3 = testLog();
    const pg3 = await startEmbeddedPostgres({ ...opts, log: log3 });
    expect(log3.warns.some((w) => w.includes(`leftover embedded Postgres (pid ${leftoverPid})`))).toBe(true);
    expect(isAlive(leftoverPid)).toBe(false);
    sql = postgres(pg3.url, { max: 1 });
    expect(await sql`select v from kept`).toEqual([{ v: 42 }]);
    await sql.end();
    await pg2.stop(); // its process is gone already: must return promptly
    await pg3.stop();
    expect(existsSync(path.join(dataDir, 'postmaster.pid'))).toBe(false);
  });

  it('names EMBEDDED_PG_PORT when the port is taken', T, async () => {
    const port = await findFreePort();
    const srv = await holdPort(port);
    try {
      await expect(
        startEmbeddedPostgres({ dataDir: path.join(workDir, 'pg-busy'), port, database: 'x', log: testLog() }),
      ).rejects.toThrow(new RegExp(`port ${port} is in use.*EMBEDDED_PG_PORT`));
    } finally {
      srv.close();
    }
  });

  it('as root, names the folder the postgres OS user cannot enter and what to do, before initdb', T, async () => {
    const privateDir = path.join(workDir, 'private');
    await mkdir(privateDir, { mode: 0o700 });
    await chmod(privateDir, 0o700);
    const start = startEmbeddedPostgres({ dataDir: path.join(privateDir, 'pg'), port: await findFreePort(), database: 'x', log: testLog() });
    if (process.getuid?.() === 0) {
      await expect(start).rejects.toThrow(
        new RegExp(`OS user "postgres".*cannot enter ${privateDir} \\(mode 700, owner uid 0\\).*Do one of`),
      );
      expect(existsSync(path.join(privateDir, 'pg', 'PG_VERSION'))).toBe(false);
    } else {
      // Not root: PostgreSQL runs as this user, who can enter its own private folder.
      const pg = await start;
      await pg.stop();
    }
  });
});

describe('temporal dev server', () => {
  let cliPath = '';
  beforeAll(async () => {
    const cli = await resolveTemporalCli({
      cliPath: process.env.TEMPORAL_CLI_PATH || undefined,
      toolsDir: path.join(root, '.tools'),
      log: testLog(),
      allowBuild: false,
    });
    cliPath = cli.path;
  });

  it('starts headless, registers search attributes, replaces a leftover and stops', T, async () => {
    const stateDir = path.join(workDir, 'temporal');
    const opts = {
      cliPath, stateDir, port: await findFreePort(), uiPort: await findFreePort(),
      namespace: 'artgen-infra-test', persistent: false, headless: true, log: testLog(),
    };
    const s1 = await startTemporalDevServer(opts);
    expect(s1.uiUrl).toBeNull();
    const conn = await Connection.connect({ address: s1.address });
    const attrs = await conn.operatorService.listSearchAttributes({ namespace: opts.namespace });
    expect(Object.keys(attrs.customAttributes ?? {})).toEqual(
      expect.arrayContaining(['TaskId', 'TaskStatus', 'AccountId', 'Priority']),
    );
    await conn.close();

    const log2 = testLog();
    const s2 = await startTemporalDevServer({ ...opts, log: log2 });
    expect(log2.warns).toContain(`found a leftover Temporal dev server (pid ${s1.pid}) from an earlier run; stopping it`);
    expect(isAlive(s1.pid)).toBe(false);
    expect(s2.pid).not.toBe(s1.pid);
    const pidFile = path.join(stateDir, 'temporal-dev-server.pid');
    await s1.stop(); // already gone; must not remove s2's pid file
    expect((await readFile(pidFile, 'utf8')).split('\n')[0]).toBe(String(s2.pid));
    await s2.stop();
    expect(existsSync(pidFile)).toBe(false);
    expect(isAlive(s2.pid)).toBe(false);
  });

  it('fails clearly when the port is held by another process', T, async () => {
    const port = await findFreePort();
    const srv = await holdPort(port);
    try {
      await expect(
        startTemporalDevServer({
          cliPath, stateDir: path.join(workDir, 'temporal-busy'), port, uiPort: await findFreePort(),
          namespace: 'default', persistent: false, headless: true, log: testLog(),
        }),
      ).rejects.toThrow(`port ${port} is in use by another process; stop it or set TEMPORAL_PORT / TEMPORAL_UI_PORT`);
    } finally {
      srv.close();
    }
  });

  it('rejects a non-executable TEMPORAL_CLI_PATH', async () => {
    const fake = path.join(workDir, 'not-executable-temporal');
    await writeFile(fake, '#!/bin/sh\n');
    await chmod(fake, 0o644);
    await expect(resolveTemporalCli({ cliPath: fake, toolsDir: workDir, log: testLog() })).rejects.toThrow(
      new RegExp(`TEMPORAL_CLI_PATH.*${fake}`),
    );
  });
});

describe('servers owned by another process', () => {
  it('are left alone while their owner runs, and replaced once it is gone', T, async () => {
    const pgDataDir = path.join(workDir, 'owned-pg');
    const stateDir = path.join(workDir, 'owned-temporal');
    const [pgPort, temporalPort] = [await findFreePort(), await findFreePort()];
    const cliPath = (await resolveTemporalCli({ cliPath: process.env.TEMPORAL_CLI_PATH || undefined, toolsDir: path.join(root, '.tools'), log: testLog(), allowBuild: false })).path;
    const owner = spawn(process.execPath, ['--import', 'tsx', 'test/support/hold-servers.ts', pgDataDir, String(pgPort), stateDir, String(temporalPort), cliPath], {
      cwd: root, stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      const heldUrl = await new Promise<string>((resolve, reject) => {
        owner.stdout!.on('data', (chunk: Buffer) => {
          const url = /holding (\S+)/.exec(chunk.toString())?.[1];
          if (url) resolve(url);
        });
        owner.once('exit', (code) => reject(new Error(`the owner process exited (${code}) before holding its servers`)));
      });
      const pgOpts = { dataDir: pgDataDir, port: pgPort, database: 'held', log: testLog() };
      const temporalOpts = { cliPath, stateDir, port: temporalPort, uiPort: 0, namespace: 'default', persistent: false, headless: true, log: testLog() };
      await expect(startEmbeddedPostgres(pgOpts)).rejects.toThrow(`belongs to a running process (pid ${owner.pid})`);
      await expect(startTemporalDevServer(temporalOpts)).rejects.toThrow(`belongs to a running process (pid ${owner.pid})`);
      // The refused starts touched nothing: the owner's servers still answer.
      const sql = postgres(heldUrl, { max: 1 });
      expect(await sql`select 1 as one`).toEqual([{ one: 1 }]);
      await sql.end();

      owner.kill('SIGKILL');
      await new Promise((resolve) => owner.once('exit', resolve));
      const pg = await startEmbeddedPostgres(pgOpts);
      expect(pgOpts.log.warns.some((w) => w.startsWith('found a leftover embedded Postgres'))).toBe(true);
      const temporal = await startTemporalDevServer(temporalOpts);
      expect(temporalOpts.log.warns.some((w) => w.startsWith('found a leftover Temporal dev server'))).toBe(true);
      await temporal.stop();
      await pg.stop();
    } finally {
      owner.kill('SIGKILL');
    }
  });
});
