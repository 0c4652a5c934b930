import { DrizzleQueryError } from 'drizzle-orm/errors';
import postgres from 'postgres';

/** An error as logs and API answers may show it: what failed and why, never the values involved. */
export interface SafeError {
  type: string;
  message: string;
  stack?: string;
  code?: string;
  cause?: SafeError;
  [field: string]: unknown;
}

/** PostgreSQL error fields that name what failed; `detail` and `where` can quote row values. */
const POSTGRES_FIELDS = ['severity', 'routine', 'table_name', 'column_name', 'constraint_name'] as const;

const isDataException = (e: unknown) => e instanceof postgres.PostgresError && /^22/.test(e.code);

/**
 * The message without values: drizzle's "Failed query" message lists every parameter (user text, API
 * key hashes), and PostgreSQL's data exceptions quote the offending value.
 */
function safeMessage(e: Error): string {
  if (e instanceof DrizzleQueryError) return `Failed query: ${e.query}`;
  if (isDataException(e)) return `data exception (SQLSTATE ${(e as postgres.PostgresError).code})`;
  return e.message;
}

/** The stack's frames under the safe message (the original first lines repeat the message). */
const safeStack = (e: Error, type: string, message: string) =>
  e.stack ? [`${type}: ${message}`, ...e.stack.split('\n').filter((l) => /^\s+at /.test(l))].join('\n') : undefined;

/** A copy of `err` and its causes that keeps type, message, stack and codes and drops query values. */
export function safeError(err: unknown, depth = 0): SafeError | unknown {
  if (!(err instanceof Error)) return err;
  const type = err.constructor?.name || err.name;
  const message = safeMessage(err);
  const out: SafeError = { type, message };
  const stack = safeStack(err, type, message);
  if (stack) out.stack = stack;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string') out.code = code;
  if (err instanceof postgres.PostgresError) {
    for (const f of POSTGRES_FIELDS) if (err[f]) out[f] = err[f];
  }
  if (err.cause !== undefined && depth < 5) out.cause = safeError(err.cause, depth + 1) as SafeError;
  return out;
}

/** Whether `err` or one of its causes would show query values in its message. */
export function carriesQueryValues(err: unknown): boolean {
  for (let e = err, depth = 0; e instanceof Error && depth < 6; e = e.cause, depth++) {
    if (e instanceof DrizzleQueryError || isDataException(e)) return true;
  }
  return false;
}

/** One line for messages that leave the process (a Temporal failure): the safe messages of the chain. */
export function safeSummary(err: unknown): string {
  const parts: string[] = [];
  for (let e = safeError(err) as SafeError | undefined; e && typeof e === 'object'; e = e.cause) parts.push(e.message);
  return parts.join(': ');
}
