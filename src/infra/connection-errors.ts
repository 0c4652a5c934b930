import { isGrpcServiceError } from '@temporalio/client';

/** Socket and DNS failures (Node), and postgres.js's own connection codes. */
const SOCKET_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN',
  'CONNECTION_CLOSED', 'CONNECTION_ENDED', 'CONNECTION_DESTROYED', 'CONNECT_TIMEOUT',
]);

/**
 * SQLSTATEs of a PostgreSQL that is going away or coming back: class 08 (connection exception), 57P01
 * admin shutdown (`pg_ctl stop`/`restart`), 57P02 crash shutdown (`-m immediate`), 57P03 cannot connect
 * now (starting up or recovering).
 */
const isPostgresGoingOrComing = (code: string) => /^08/.test(code) || code === '57P01' || code === '57P02' || code === '57P03';

/** gRPC answers of a Temporal frontend that is down or restarting: 14 UNAVAILABLE, 4 DEADLINE_EXCEEDED. */
const GRPC_UNREACHABLE = new Set<number>([14, 4]);

const NATIVE_REFUSALS = /\b(code|status): (NotFound|PermissionDenied|Unauthenticated|InvalidArgument|FailedPrecondition)\b/;

function isConnectionClass(e: Error): boolean {
  const code = (e as { code?: unknown }).code;
  if (typeof code === 'string' && (SOCKET_CODES.has(code) || isPostgresGoingOrComing(code))) return true;
  if (typeof code === 'number' && isGrpcServiceError(e) && GRPC_UNREACHABLE.has(code)) return true;
  // The worker's native (Rust) client reports every failed connect or validation as a TransportError,
  // an unknown namespace or a refused key too: those name their gRPC status.
  if (e.name === 'TransportError') return !NATIVE_REFUSALS.test(e.message);
  // @grpc/grpc-js's waitForReady, used by the client's Connection.connect.
  return /^Failed to connect before the deadline/.test(e.message);
}

/**
 * Whether `err` (or one of its causes) says a dependency could not be reached: PostgreSQL unreachable
 * or restarting, Temporal unavailable. These pass with time; anything else (a bad migration, a refused
 * login, a bug) does not.
 */
export function isConnectionError(err: unknown): boolean {
  for (let e = err, depth = 0; e instanceof Error && depth < 8; e = e.cause, depth++) {
    if (isConnectionClass(e)) return true;
    if (e instanceof AggregateError && e.errors.some((inner) => isConnectionError(inner))) return true;
  }
  return false;
}
