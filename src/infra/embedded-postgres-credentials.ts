import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { narrowToOwner, writePrivateFile } from './private-files.js';
import { StartupError } from './startup-error.js';

/** The passwords of an embedded PostgreSQL cluster: its superuser's and the application role's. */
export interface EmbeddedPostgresCredentials {
  superuser: string;
  app: string;
}

/** Beside the data directory (PostgreSQL's initdb wants that one empty), readable by this OS user only. */
export const credentialsFileOf = (dataDir: string) => `${dataDir}.credentials.json`;

const newPassword = () => randomBytes(32).toString('base64url');

/**
 * The cluster's passwords, generated on its first start and kept in `<dataDir>.credentials.json` (0600).
 * A cluster of an earlier version has no such file yet: it gets new passwords here, which the first
 * connection then sets in place of the old default (see secureEmbeddedCluster).
 */
export async function loadOrCreateCredentials(dataDir: string): Promise<EmbeddedPostgresCredentials> {
  const file = credentialsFileOf(dataDir);
  const text = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return null;
    throw err;
  });
  if (text === null) {
    const created = { superuser: newPassword(), app: newPassword() };
    await writePrivateFile(file, `${JSON.stringify(created, null, 2)}\n`);
    return created;
  }
  await narrowToOwner([file]);
  const parsed = (() => {
    try {
      return JSON.parse(text) as Partial<EmbeddedPostgresCredentials>;
    } catch {
      return {};
    }
  })();
  if (typeof parsed.superuser !== 'string' || typeof parsed.app !== 'string' || !parsed.superuser || !parsed.app) {
    throw new StartupError(`${file} is not a valid credentials file (JSON with "superuser" and "app" passwords); restore it from a backup`);
  }
  return { superuser: parsed.superuser, app: parsed.app };
}
