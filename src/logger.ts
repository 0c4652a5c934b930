import pino from 'pino';
import { safeError } from './db/safe-error.js';

export type Logger = pino.Logger;

/** What the infra helpers (embedded Postgres, the Temporal CLI and dev server) log through: a pino logger, or a plain object in scripts and tests. */
export interface InfraLogger {
  info(msg: string): void;
  warn(msg: string): void;
}

/**
 * The one logger; modules take child loggers with `logger.child({ component })`. Errors are logged
 * through safeError, so no query parameter (user content, key hashes) ever reaches a log line.
 */
export function createLogger(level: string = 'info', destination?: pino.DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level,
    base: undefined,
    timestamp: pino.stdTimeFunctions.isoTime,
    serializers: { err: safeError },
  };
  return destination ? pino(options, destination) : pino(options);
}
