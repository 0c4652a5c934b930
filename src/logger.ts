import { isSpanContextValid, trace } from '@opentelemetry/api';
import pino from 'pino';
import { safeError } from './db/safe-error.js';
import { tracingEnabled } from './infra/tracing/state.js';

export type Logger = pino.Logger;

/** What the infra helpers (embedded Postgres, the Temporal CLI and dev server) log through: a pino logger, or a plain object in scripts and tests. */
export interface InfraLogger {
  info(msg: string): void;
  warn(msg: string): void;
}

/**
 * The one logger; modules take child loggers with `logger.child({ component })`. Errors are logged
 * through safeError, so no query parameter (user content, key hashes) ever reaches a log line. When the
 * process traces, a line written inside a span carries its `trace_id` and `span_id`.
 */
export function createLogger(level: string = 'info', destination?: pino.DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level,
    base: undefined,
    timestamp: pino.stdTimeFunctions.isoTime,
    serializers: { err: safeError },
    mixin: traceFields,
  };
  return destination ? pino(options, destination) : pino(options);
}

/** The active span's ids, so a log line can be found from its trace and the other way round. */
function traceFields(): { trace_id?: string; span_id?: string } {
  if (!tracingEnabled()) return {};
  const span = trace.getActiveSpan()?.spanContext();
  return span && isSpanContextValid(span) ? { trace_id: span.traceId, span_id: span.spanId } : {};
}
