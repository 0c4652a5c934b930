import pino from 'pino';
import { safeError } from './db/safe-error.js';

export type Logger = pino.Logger;

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
