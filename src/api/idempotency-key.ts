import { createHash } from 'node:crypto';
import type { Context } from 'hono';
import { badRequest } from '../domain/errors.js';
import type { IdempotencyScope, RecordedResponse } from '../domain/limits/idempotency.js';
import type { ApiEnv } from './types.js';

const KEY_FORMAT = /^[\x20-\x7e]{1,255}$/;

/** JSON with object keys sorted, so the same body in another key order is the same request. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    return `{${entries
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * The `Idempotency-Key` of a create request, scoped to the caller's account, with the fingerprint of
 * the request (method, path, the validated body); undefined when the client sent none.
 */
export function idempotencyScope(c: Context<ApiEnv>, body: unknown): IdempotencyScope | undefined {
  const key = c.req.header('idempotency-key');
  if (key === undefined) return undefined;
  if (!KEY_FORMAT.test(key)) {
    throw badRequest('INVALID_IDEMPOTENCY_KEY', 'The Idempotency-Key header must be 1 to 255 printable ASCII characters, e.g. a random UUID.');
  }
  const fingerprint = createHash('sha256').update(`${c.req.method} ${c.req.path}\n${canonicalJson(body)}`).digest('hex');
  return { accountId: c.get('accountId'), key, fingerprint };
}

/** The recorded answer; a replay says so in `Idempotent-Replayed: true` (as Stripe does). */
export function respondRecorded(c: Context<ApiEnv>, result: RecordedResponse & { replayed: boolean }) {
  if (result.replayed) c.header('Idempotent-Replayed', 'true');
  return c.json(result.body, result.status as 201);
}

/** The header as the OpenAPI document lists it on the routes that honour it. */
export const IDEMPOTENCY_KEY_PARAMETER = {
  name: 'Idempotency-Key',
  in: 'header',
  required: false,
  description: 'Any 1-255 printable ASCII characters (a random UUID): the same key and body within 24 h returns the first answer; another body is 409 IDEMPOTENCY_KEY_REUSED',
  schema: { type: 'string', minLength: 1, maxLength: 255, pattern: KEY_FORMAT.source },
};
