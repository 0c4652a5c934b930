// `npm run db:migrate`: applies pending migrations to DATABASE_URL.
import { loadConfig } from '../src/config.js';
import { runMigrations } from '../src/db/migrate.js';
import { exitOnStartupError, requireSetting } from '../src/server/startup.js';

try {
  const url = requireSetting(loadConfig().DATABASE_URL, 'DATABASE_URL', 'npm run db:migrate');
  await runMigrations(url);
  console.log('migrations applied');
} catch (err) {
  exitOnStartupError(err);
}
