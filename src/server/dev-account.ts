import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Db } from '../db/client.js';
import { ensureDefaultAccount } from '../domain/accounts/index.js';
import { writePrivateFile } from '../infra/private-files.js';

/**
 * The embedded mode's account and key: DEV_API_KEY when set, else the key kept in `<dataDir>/api-key`
 * from an earlier start, else a new one written there (only its hash goes into the database). The key is
 * the bootstrap account's operator key (the whole service is its to run); the embedded key it replaced is revoked.
 */
export async function ensureDevAccount(db: Db, dataDir: string, devApiKey: string | undefined) {
  const keyFile = path.join(dataDir, 'api-key');
  const kept = devApiKey ?? (await readFile(keyFile, 'utf8').catch(() => '')).trim();
  const account = await ensureDefaultAccount(db, kept || undefined, !devApiKey);
  if (!devApiKey) await writePrivateFile(keyFile, `${account.apiKey}\n`);
  return { ...account, keyFile: devApiKey ? null : keyFile };
}
