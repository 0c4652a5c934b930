/**
 * A start-up problem that its message fully explains (a busy port, a running instance, a folder
 * PostgreSQL cannot enter): printed as the message alone, without a stack trace.
 */
export class StartupError extends Error {
  override readonly name = 'StartupError';
}
