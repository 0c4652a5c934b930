import type { Payload } from '@temporalio/common';
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { cors } from 'hono/cors';
import { z } from 'zod';
import type { ApiOperation } from '../operation.js';
import type { ApiDeps } from '../../http/deps.js';
import type { ApiEnv } from '../types.js';
import { parseJsonBody } from '../../http/validation.js';

const base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64');

/** Temporal's remote codec protocol: proto3 JSON payloads, every bytes value (data, metadata values) base64. */
export const codecRequestSchema = z.object({
  payloads: z
    .array(z.object({ metadata: z.record(z.string(), base64).optional(), data: base64.optional() }))
    .max(10_000, 'send at most 10000 payloads at once'),
});

const fromJson = (p: z.infer<typeof codecRequestSchema>['payloads'][number]): Payload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, new Uint8Array(Buffer.from(v, 'base64'))])),
  data: new Uint8Array(Buffer.from(p.data ?? '', 'base64')),
});

const toJson = (p: Payload) => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
  data: Buffer.from(p.data ?? new Uint8Array()).toString('base64'),
});

/**
 * Lets the Temporal UI (and `temporal --codec-endpoint`) call the codec from another origin. It runs
 * before the API key check: a browser's CORS preflight carries no Authorization header.
 */
/** CORS for the Temporal UI's browser; a request without an Origin (no browser) is not CORS and passes by. */
export function temporalCodecCors({ codecCorsOrigins }: Pick<ApiDeps, 'codecCorsOrigins'>): MiddlewareHandler {
  const handle = cors({
    origin: codecCorsOrigins,
    allowMethods: ['POST', 'OPTIONS'],
    allowHeaders: ['Content-Type', 'Authorization', 'X-Namespace'],
    credentials: true,
    maxAge: 600,
  });
  return (c, next) => (c.req.header('origin') ? handle(c, next) : next());
}

/**
 * `POST /api/temporal-codec/encode|decode`: the payload codec of the workers as a codec server, so
 * operators see decrypted histories in the Temporal UI. Whoever can call it reads every tenant's
 * payloads: it is for operators only, so it needs an operator key (an account's admin key is refused).
 */
export function temporalCodecRoutes({ codec }: ApiDeps) {
  const convert = (direction: 'encode' | 'decode') => async (c: Context<ApiEnv>) => {
    const { payloads } = await parseJsonBody(c, codecRequestSchema);
    // Reading a history is not running it: a payload the workers would refuse is shown as it is.
    const converted = await (direction === 'encode' ? codec.encode(payloads.map(fromJson)) : codec.decodeForDisplay(payloads.map(fromJson)));
    return c.json({ payloads: converted.map(toJson) });
  };
  return new Hono<ApiEnv>().post('/encode', convert('encode')).post('/decode', convert('decode'));
}

export const temporalCodecOperations: ApiOperation[] = [
  { method: 'post', path: '/encode', summary: 'Encrypts payloads with the current key (Temporal remote codec protocol)', body: codecRequestSchema, response: codecRequestSchema, scope: 'operator' },
  { method: 'post', path: '/decode', summary: 'Decrypts payloads; payloads that are not encrypted come back unchanged', body: codecRequestSchema, response: codecRequestSchema, scope: 'operator', errors: { 400: ['PAYLOAD_NOT_DECRYPTABLE'] } },
];
