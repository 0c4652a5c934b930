import { open, readFile, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { isProcessAlive, sleep } from '../infra/process-utils.js';
import { StartupError } from '../infra/startup-error.js';

interface InstanceRecord {
  pid: number;
  apiUrl: string;
  startedAt: string;
}

async function readRecord(file: string): Promise<InstanceRecord | null> {
  try {
    const parsed = JSON.parse(await readFile(file, 'utf8')) as Partial<InstanceRecord>;
    return Number.isInteger(parsed.pid) ? (parsed as InstanceRecord) : null;
  } catch {
    return null;
  }
}

/**
 * Claims `<dataDir>/instance.json` for this process, so a second `npm start` on the same data refuses
 * at once instead of taking the running instance's PostgreSQL and Temporal for leftovers. A record
 * whose process is gone (a crash, kill -9) is replaced. Returns the release function.
 */
export async function claimInstance(dataDir: string, apiUrl: string): Promise<() => Promise<void>> {
  const file = path.join(dataDir, 'instance.json');
  const record: InstanceRecord = { pid: process.pid, apiUrl, startedAt: new Date().toISOString() };
  for (let attempt = 0; attempt < 20; attempt++) {
    try {
      const fh = await open(file, 'wx', 0o600);
      await fh.writeFile(`${JSON.stringify(record)}\n`);
      await fh.close();
      return async () => {
        if ((await readRecord(file))?.pid === process.pid) await unlink(file).catch(() => undefined);
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const other = await readRecord(file);
    if (other && other.pid !== process.pid && (await isProcessAlive(other.pid))) {
      throw new StartupError(
        `artgen is already running on this data (pid ${other.pid}, API ${other.apiUrl}, data ${dataDir}, ` +
          `since ${other.startedAt}). Use that one, stop it first (Ctrl-C in its terminal, or kill ${other.pid}), ` +
          'or start another instance with its own DATA_DIR and ports.',
      );
    }
    if (!other) {
      // Another start may have created the file and not written it yet: only a stale one is removed.
      const age = await stat(file).then((st) => Date.now() - st.mtimeMs, () => Infinity);
      if (age < 5_000) {
        await sleep(500);
        continue;
      }
    }
    // The owner is gone (or the record is unreadable): the data is free again.
    await unlink(file).catch(() => undefined);
  }
  throw new StartupError(`could not claim ${file}: another start keeps claiming it at the same time`);
}
