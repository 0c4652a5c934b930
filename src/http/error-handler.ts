import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { AppError } from '../domain/errors.js';
import type { Logger } from '../logger.js';

type ErrorStatus = AppError['status'];

export const errorBody = (code: string, message: string, details?: Record<string, unknown>) => ({
  error: { code, message, ...(details ? { details } : {}) },
});

/** Error codes along the cause chain (drizzle wraps the driver's error). */
export function errorCodes(err: unknown): string[] {
  const codes: string[] = [];
  for (let e = err as { code?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 5; e = e.cause as typeof e, depth++) {
    if (typeof e.code === 'string') codes.push(e.code);
  }
  return codes;
}

const CONNECTION_ERRORS = ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'CONNECTION_CLOSED', 'CONNECTION_ENDED', 'CONNECT_TIMEOUT', 'CONNECTION_DESTROYED'];
/** Connection-level failures of PostgreSQL: the dependency is down, not the request wrong. */
const isDatabaseUnavailable = (codes: string[]) => codes.some((c) => CONNECTION_ERRORS.includes(c) || /^(08|57P)/.test(c));
/** PostgreSQL data exceptions (a NUL byte in text, a number out of range): the input is at fault. */
export const isDataException = (codes: string[]) => codes.some((c) => /^22[0-9A-Z]{3}$/.test(c));

/** Renders every error as `{ error: { code, message, details } }`: never a stack trace. */
export function createErrorHandler(log: Logger) {
  return (err: Error, c: Context) => {
    if (err instanceof AppError) {
      return c.json(errorBody(err.code, err.message, err.details), err.status as ErrorStatus);
    }
    if (err instanceof HTTPException) {
      const status = err.status as ErrorStatus;
      const code = status === 413 ? 'PAYLOAD_TOO_LARGE' : 'HTTP_ERROR';
      return c.json(errorBody(code, err.message || 'request rejected'), status);
    }
    const codes = errorCodes(err);
    if (isDataException(codes)) {
      // PostgreSQL's own text can quote the value and the SQL: the code is enough to look it up.
      const sqlState = codes.find((code) => /^22/.test(code))!;
      return c.json(errorBody('INVALID_INPUT', 'A value in the request cannot be stored (out of range or not valid text). Fix the value and retry.', { sqlState }), 400);
    }
    if (isDatabaseUnavailable(codes)) {
      log.error({ err }, 'database unavailable');
      return c.json(errorBody('DEPENDENCY_UNAVAILABLE', 'The database is unavailable; try again shortly.'), 503);
    }
    log.error({ err, path: c.req.path }, 'unhandled error');
    return c.json(errorBody('INTERNAL_ERROR', 'Internal error; the server log has the details.'), 500);
  };
}
