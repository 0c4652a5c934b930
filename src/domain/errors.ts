/**
 * The one service error. Domain functions throw it; the API renders it as
 * `{ error: { code, message, details } }` with `status`. The message says what to fix.
 */
export class AppError extends Error {
  override readonly name = 'AppError';
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 409 | 413 | 429 | 500 | 503,
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

export const notFound = (what: string, id: number | string) =>
  new AppError(404, 'NOT_FOUND', `${what} ${id} was not found`, { resource: what, id });

export const conflict = (code: string, message: string, details?: Record<string, unknown>) =>
  new AppError(409, code, message, details);

export const badRequest = (code: string, message: string, details?: Record<string, unknown>) =>
  new AppError(400, code, message, details);
