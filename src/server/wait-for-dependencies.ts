import { Connection } from '@temporalio/client';
import postgres from 'postgres';
import { sleep } from '../infra/process-utils.js';
import { StartupError } from '../infra/startup-error.js';
import type { Logger } from '../logger.js';

const FIRST_DELAY_MS = 500;
const MAX_DELAY_MS = 10_000;

/** A failure that waiting cannot cure (a wrong password): start-up stops with this message. */
class NotWorthWaiting extends Error {}

/**
 * Probes until `probe` succeeds, with exponential backoff (0.5 s doubling up to 10 s) and one log line
 * when waiting starts and one when it ends, so a process started before its dependency (docker-compose,
 * a restart of PostgreSQL or Temporal) becomes ready when the dependency does instead of exiting.
 */
async function waitUntilUp(what: string, probe: () => Promise<void>, log: Logger): Promise<void> {
  const started = Date.now();
  let delay = FIRST_DELAY_MS;
  for (let attempt = 0; ; attempt++) {
    try {
      await probe();
      if (attempt > 0) log.info(`${what} is up after ${Math.round((Date.now() - started) / 1000)}s`);
      return;
    } catch (err) {
      if (err instanceof NotWorthWaiting) throw new StartupError(`${what}: ${err.message}`);
      if (attempt === 0) {
        const why = err instanceof Error ? err.message : String(err);
        log.warn(`waiting for ${what} (${why}); retrying with backoff up to every ${MAX_DELAY_MS / 1000}s`);
      }
    }
    await sleep(delay);
    delay = Math.min(delay * 2, MAX_DELAY_MS);
  }
}

/** host:port of a PostgreSQL URL, for log lines (never the user or password). */
export function postgresTarget(url: string): string {
  const u = new URL(url);
  return `${u.hostname}:${u.port || '5432'}`;
}

/** Waits until PostgreSQL at `url` accepts a query; a refused login or password stops start-up at once. */
export function waitForPostgres(url: string, log: Logger): Promise<void> {
  return waitUntilUp(`PostgreSQL at ${postgresTarget(url)}`, async () => {
    const sql = postgres(url, { max: 1, connect_timeout: 5, onnotice: () => undefined });
    try {
      await sql`SELECT 1`;
    } catch (err) {
      const code = (err as { code?: string }).code ?? '';
      // 28xxx: authentication failed or not allowed; waiting will not change the credentials.
      if (code.startsWith('28')) throw new NotWorthWaiting(`${(err as Error).message}; check the user and password in DATABASE_URL`);
      throw err;
    } finally {
      await sql.end({ timeout: 1 }).catch(() => undefined);
    }
  }, log);
}

/** Waits until the Temporal frontend at `address` answers. */
export function waitForTemporal(address: string, log: Logger): Promise<void> {
  return waitUntilUp(`Temporal at ${address}`, async () => {
    const connection = await Connection.connect({ address, connectTimeout: 3_000 });
    try {
      await connection.withDeadline(Date.now() + 5_000, () => connection.workflowService.getSystemInfo({}));
    } finally {
      await connection.close();
    }
  }, log);
}
