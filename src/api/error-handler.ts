import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { AppError } from '../domain/errors.js';
import type { Logger } from '../logger.js';

type ErrorStatus = AppError['status'];

export const errorBody = (code: string, message: string, details?: Record<string, unknown>) => ({
  error: { code, message, ...(details ? { details } : {}) },
});

/** Connection-level failures of PostgreSQL: the dependency is down, not the request wrong. */
function isDatabaseUnavailable(err: unknown): boolean {
  const e = err as { code?: string; cause?: unknown } | null;
  if (!e || typeof e !== 'object') return false;
  const code = e.code ?? '';
  if (['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'CONNECTION_CLOSED', 'CONNECTION_ENDED', 'CONNECT_TIMEOUT', 'CONNECTION_DESTROYED'].includes(code)) return true;
  if (/^(08|57P)/.test(code)) return true;
  return e.cause !== undefined && e.cause !== err && isDatabaseUnavailable(e.cause);
}

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
    if (isDatabaseUnavailable(err)) {
      log.error({ err }, 'database unavailable');
      return c.json(errorBody('DEPENDENCY_UNAVAILABLE', 'The database is unavailable; try again shortly.'), 503);
    }
    log.error({ err, path: c.req.path }, 'unhandled error');
    return c.json(errorBody('INTERNAL_ERROR', 'Internal error; the server log has the details.'), 500);
  };
}
