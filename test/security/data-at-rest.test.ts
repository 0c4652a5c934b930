import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, lstat, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import postgres from 'postgres';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runMigrations } from '../../src/db/migrate.js';
import { importEmbeddedPostgres } from '../../src/infra/embedded-postgres.js';
import { findFreePort } from '../../src/infra/process-utils.js';
import { ROOT, startServiceProcess, type ServiceProcess } from '../support/service-process.js';

/**
 * Items 3, 4 and 18 of "Closing the holes": what `npm start` leaves on disk is private to its OS user,
 * the embedded PostgreSQL has no well-known password and the app connects as a role that is no
 * superuser, and the embedded API's 401 names no absolute path.
 */

const workDir = path.join(ROOT, '.data', `test-data-at-rest-${randomBytes(4).toString('hex')}`);
const started: ServiceProcess[] = [];
const T = { timeout: 240_000 };
const isRoot = process.getuid?.() === 0;
const APP_ROLE = 'artgen_app';

async function embeddedEnv(name: string) {
  return {
    DATA_DIR: path.join(workDir, name),
    DATABASE_URL: '',
    TEMPORAL_ADDRESS: '',
    // Unset: the embedded mode generates its payload keys into the data folder.
    TEMPORAL_PAYLOAD_KEYS: '',
    EMBEDDED_PG_PORT: String(await findFreePort()),
    TEMPORAL_PORT: String(await findFreePort()),
    TEMPORAL_UI_PORT: String(await findFreePort()),
    PORT: String(await findFreePort()),
  };
}

async function npmStart(env: Record<string, string>) {
  const p = startServiceProcess('src/main.ts', env);
  started.push(p);
  await p.waitForOutput(/artgen is ready/, 180_000);
  return p;
}

/** Every entry under `dir` that is not private to its owner, as "mode path" lines. */
async function notPrivate(dir: string): Promise<string[]> {
  const found: string[] = [];
  const names = await readdir(dir).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return [] as string[];
    throw err;
  });
  for (const name of names) {
    const p = path.join(dir, name);
    // A running server's short-lived files (sqlite's -journal, PostgreSQL's temporary ones) may go
    // between the listing and the look.
    const st = await lstat(p).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return undefined;
      throw err;
    });
    if (!st) continue;
    const mode = st.mode & 0o777;
    if (st.isDirectory()) {
      if (mode !== 0o700) found.push(`${mode.toString(8)} ${p}/`);
      found.push(...(await notPrivate(p)));
    } else if (!st.isSymbolicLink() && mode !== 0o600 && mode !== 0o400) {
      found.push(`${mode.toString(8)} ${p}`);
    }
  }
  return found;
}

/**
 * The data folder itself: 0700, except as root, where the embedded PostgreSQL runs as the OS user
 * postgres and must pass through it to its own folder: then 0710 with the group postgres, so only
 * that group may enter (not list) it; everything inside stays private to its owner.
 */
async function expectPrivateDataFolder(dataDir: string) {
  const st = await lstat(dataDir);
  if (isRoot) {
    const postgresGid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    expect.soft({ mode: (st.mode & 0o777).toString(8), gid: st.gid }).toEqual({ mode: '710', gid: postgresGid });
  } else {
    expect.soft((st.mode & 0o777).toString(8)).toBe('700');
  }
  expect.soft(await notPrivate(dataDir)).toEqual([]);
}

const credentialsOf = async (dataDir: string) =>
  JSON.parse(await readFile(path.join(dataDir, 'postgres.credentials.json'), 'utf8')) as { superuser: string; app: string };

async function asRole(port: string, user: string, password: string, fn: (sql: postgres.Sql) => Promise<void>) {
  const sql = postgres({ host: '127.0.0.1', port: Number(port), user, password, database: 'artgen', max: 1, onnotice: () => undefined });
  try {
    await fn(sql);
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/** The app role: no superuser, no COPY TO PROGRAM, no password hashes; it owns every table of the app. */
async function expectAppRoleConfined(env: Record<string, string>) {
  const { app } = await credentialsOf(env.DATA_DIR!);
  await asRole(env.EMBEDDED_PG_PORT!, APP_ROLE, app, async (sql) => {
    const [me] = await sql<{ rolsuper: boolean; rolcreaterole: boolean; rolcreatedb: boolean }[]>`
      SELECT rolsuper, rolcreaterole, rolcreatedb FROM pg_roles WHERE rolname = current_user`;
    expect(me).toEqual({ rolsuper: false, rolcreaterole: false, rolcreatedb: false });
    await expect(sql.unsafe(`COPY (SELECT 1) TO PROGRAM 'true'`)).rejects.toMatchObject({ code: '42501' });
    await expect(sql`SELECT rolpassword FROM pg_authid`).rejects.toMatchObject({ code: '42501' });
    const foreign = await sql<{ name: string; owner: string }[]>`
      SELECT c.relname AS name, pg_get_userbyid(c.relowner) AS owner FROM pg_class c
      JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname IN ('public', 'drizzle') AND c.relkind IN ('r', 'p', 'S', 'v', 'm') AND c.relowner <> (SELECT oid FROM pg_roles WHERE rolname = current_user)`;
    expect(foreign).toEqual([]);
    const [row] = await sql<{ tables: number }[]>`SELECT count(*)::int AS tables FROM pg_tables WHERE schemaname = 'public'`;
    expect(row?.tables).toBeGreaterThan(10);
  });
}

async function expectLegacyPasswordRefused(port: string) {
  await expect(asRole(port, 'postgres', 'postgres', async (sql) => void (await sql`SELECT 1`))).rejects.toMatchObject({ code: '28P01' });
}

beforeAll(() => mkdir(workDir, { recursive: true }));
afterAll(async () => {
  for (const p of started) await p.stop();
  await rm(workDir, { recursive: true, force: true });
});

it('a fresh `npm start` keeps its data private, PostgreSQL locked and the app confined to a role of its own', T, async () => {
  const env = await embeddedEnv('fresh');
  const p = await npmStart(env);

  // While it runs, so Temporal's sqlite -wal and -shm files and PostgreSQL's pid file are there too.
  await expectPrivateDataFolder(env.DATA_DIR);
  const names = await readdir(env.DATA_DIR);
  expect.soft(names).toEqual(expect.arrayContaining(['api-key', 'payload-keys', 'temporal.db', 'postgres', 'postgres.credentials.json']));

  await expectLegacyPasswordRefused(env.EMBEDDED_PG_PORT);
  await expectAppRoleConfined(env);
  // Every connection proves a password (initdb's --auth), none is trusted.
  const hba = (await readFile(path.join(env.DATA_DIR, 'postgres', 'pg_hba.conf'), 'utf8')).split('\n').filter((l) => /^\s*(local|host)/.test(l));
  expect(hba.length).toBeGreaterThan(0);
  expect(hba.filter((l) => !/\sscram-sha-256\s*$/.test(l))).toEqual([]);
  const { superuser } = await credentialsOf(env.DATA_DIR);
  expect(superuser).toMatch(/^[A-Za-z0-9_-]{40,}$/);

  // The 401 of an unknown key says where to find the key without giving away where the data lives.
  const res = await fetch(`http://127.0.0.1:${env.PORT}/api/distillations`, { headers: { authorization: 'Bearer ak_not_a_real_key' } });
  const body = await res.text();
  expect(res.status).toBe(401);
  expect(body).not.toContain(env.DATA_DIR);
  expect(body).not.toContain(ROOT);
  expect(body).not.toMatch(/(^|[\s"'(])\/[\w.-]+\/[\w.-]+/);
  expect(JSON.parse(body).error.message).toMatch(/key file in the data folder.*cat \.data\/.+\/api-key/);

  expect(await p.stop()).toBe(0);
});

it('a data folder of an earlier version (superuser password "postgres", tables owned by it, files 0644) is upgraded in place', T, async () => {
  const env = await embeddedEnv('legacy');
  const dataDir = env.DATA_DIR;
  await mkdir(dataDir, { recursive: true, mode: 0o755 });
  await chmod(dataDir, 0o755);

  // What the earlier version left: a cluster initialised with the password 'postgres', the database
  // and its tables owned by the superuser, and key files readable by everyone.
  const { default: EmbeddedPostgres } = await importEmbeddedPostgres(false);
  const legacy = new EmbeddedPostgres({
    databaseDir: path.join(dataDir, 'postgres'), port: Number(env.EMBEDDED_PG_PORT), user: 'postgres', password: 'postgres',
    authMethod: 'scram-sha-256', persistent: true, createPostgresUser: isRoot, onLog: () => undefined, onError: () => undefined,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
  });
  await legacy.initialise();
  await legacy.start();
  const legacyUrl = `postgres://postgres:postgres@127.0.0.1:${env.EMBEDDED_PG_PORT}`;
  const admin = postgres(`${legacyUrl}/postgres`, { max: 1, onnotice: () => undefined });
  await admin`CREATE DATABASE artgen`;
  await admin.end();
  await runMigrations(`${legacyUrl}/artgen`);
  const db = postgres(`${legacyUrl}/artgen`, { max: 1, onnotice: () => undefined });
  await db`CREATE TABLE legacy_marker (v int)`;
  await db`INSERT INTO legacy_marker VALUES (42)`;
  await db.end();
  await legacy.stop();
  for (const [name, content] of [['api-key', 'ak_legacy-embedded-key-0123456789\n'], ['temporal.log', 'old log\n']] as const) {
    await writeFile(path.join(dataDir, name), content, { mode: 0o644 });
    await chmod(path.join(dataDir, name), 0o644);
  }

  const p = await npmStart(env);
  await expectPrivateDataFolder(dataDir);
  await expectLegacyPasswordRefused(env.EMBEDDED_PG_PORT);
  await expectAppRoleConfined(env);
  const { app } = await credentialsOf(dataDir);
  await asRole(env.EMBEDDED_PG_PORT, APP_ROLE, app, async (sql) => {
    expect(await sql`SELECT v FROM legacy_marker`).toEqual([{ v: 42 }]);
  });
  // The kept key still signs in: the upgrade kept the data.
  const res = await fetch(`http://127.0.0.1:${env.PORT}/api/distillations`, { headers: { authorization: 'Bearer ak_legacy-embedded-key-0123456789' } });
  expect(res.status).toBe(200);
  expect(await p.stop()).toBe(0);

  // A second start on the upgraded folder finds everything in place.
  const again = await npmStart(env);
  await expectAppRoleConfined(env);
  expect(await again.stop()).toBe(0);
});
