import { safeSummary } from '../db/safe-error.js';
import { isConnectionError } from '../infra/connection-errors.js';
import { sleep } from '../infra/process-utils.js';
import { StartupError } from '../infra/startup-error.js';
import type { Logger } from '../logger.js';

const FIRST_DELAY_MS = 500;
const MAX_DELAY_MS = 10_000;

export interface StartupStepOptions {
  log: Logger;
  /** Epoch ms after which a step still waiting gives up; shared by the steps of one start. Default: wait on. */
  deadline?: number;
}

/**
 * Runs one start-up step (`name` says what it does: "resuming unfinished tasks"), and when PostgreSQL or
 * Temporal cannot be reached (a restart, a network blip) runs it again with backoff (0.5 s doubling up to
 * 10 s) until it succeeds: one log line when the waiting starts and one when it ends, whatever the number
 * of attempts. Any other error (a bad migration, a bug) fails the step at once with a message naming it.
 * Steps must be safe to repeat.
 *
 * @example
 * await retryStartupStep('applying migrations', () => runMigrations(url), { log });
 */
export async function retryStartupStep<T>(name: string, fn: () => Promise<T>, { log, deadline = Infinity }: StartupStepOptions): Promise<T> {
  log.info(`start-up: ${name}`);
  let waitingSince: number | null = null;
  let delay = FIRST_DELAY_MS;
  for (;;) {
    try {
      const result = await fn();
      if (waitingSince !== null) log.info(`start-up: ${name} succeeded after waiting ${Math.round((Date.now() - waitingSince) / 1000)}s`);
      return result;
    } catch (err) {
      if (!isConnectionError(err)) throw new StartupError(`start-up failed while ${name}: ${safeSummary(err)}`, { cause: err });
      if (Date.now() + delay > deadline) {
        throw new StartupError(`start-up gave up while ${name}: a dependency is still unreachable (${safeSummary(err)})`, { cause: err });
      }
      if (waitingSince === null) {
        waitingSince = Date.now();
        log.warn(`start-up: ${name} waits for a dependency (${safeSummary(err)}); retrying with backoff up to every ${MAX_DELAY_MS / 1000}s`);
      }
    }
    await sleep(delay);
    delay = Math.min(delay * 2, MAX_DELAY_MS);
  }
}
