import { chmod, lstat, mkdir, writeFile } from 'node:fs/promises';

/** What the embedded mode keeps on disk (keys, passwords, Temporal's sqlite, PostgreSQL) is its OS user's alone. */
export const PRIVATE_FILE_MODE = 0o600;
export const PRIVATE_DIR_MODE = 0o700;

/**
 * Writes `content` to `file` readable by this OS user only. writeFile's `mode` applies only when the
 * file is created, so a file an earlier version left readable by everyone is narrowed as well.
 */
export async function writePrivateFile(file: string, content: string): Promise<void> {
  await writeFile(file, content, { mode: PRIVATE_FILE_MODE });
  await chmod(file, PRIVATE_FILE_MODE);
}

/** Creates `dir` (and missing parents) and makes it enterable by this OS user only. */
export async function makePrivateDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  await chmod(dir, PRIVATE_DIR_MODE);
}

/** Takes group and other permissions away from those of `paths` that exist (files of an earlier version). */
export async function narrowToOwner(paths: readonly string[]): Promise<void> {
  for (const p of paths) {
    const st = await lstat(p).catch(() => null);
    if (st && !st.isSymbolicLink() && (st.mode & 0o077) !== 0) await chmod(p, st.mode & 0o700);
  }
}
