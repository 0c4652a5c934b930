import pino from 'pino';

export type Logger = pino.Logger;

/** The one logger; modules take child loggers with `logger.child({ component })`. */
export function createLogger(level: string = 'info'): Logger {
  return pino({ level, base: undefined, timestamp: pino.stdTimeFunctions.isoTime });
}
