import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { drizzle } from 'drizzle-orm/postgres-js';
import { migrate } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import { ADVISORY_LOCK } from './advisory-locks.js';

export const MIGRATIONS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../migrations');

/**
 * Applies the drizzle-kit migrations. An advisory lock on one dedicated connection keeps an API and a
 * worker starting together from applying the same migration twice.
 */
export async function runMigrations(url: string): Promise<void> {
  const sql = postgres(url, { max: 1, onnotice: () => undefined });
  try {
    await sql`SELECT pg_advisory_lock(${ADVISORY_LOCK.migrations})`;
    await migrate(drizzle(sql), { migrationsFolder: MIGRATIONS_DIR });
    await sql`SELECT pg_advisory_unlock(${ADVISORY_LOCK.migrations})`;
  } finally {
    await sql.end({ timeout: 5 });
  }
}
