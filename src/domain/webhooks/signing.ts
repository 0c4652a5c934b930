import { createHmac, randomBytes } from 'node:crypto';
import { badRequest } from '../errors.js';

/** Standard Webhooks: a secret is `whsec_` + the base64 of the key; the key is what signs. */
const SECRET_PREFIX = 'whsec_';
const MIN_KEY_BYTES = 24;
const MAX_KEY_BYTES = 64;

/** A new secret: `whsec_` + base64 of 32 random bytes. */
export const generateWebhookSecret = () => `${SECRET_PREFIX}${randomBytes(32).toString('base64')}`;

/** The key bytes of a `whsec_` secret, or undefined when it is not one. */
function keyOf(secret: string): Buffer | undefined {
  if (!secret.startsWith(SECRET_PREFIX)) return undefined;
  const encoded = secret.slice(SECRET_PREFIX.length);
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded) || encoded.length % 4 !== 0) return undefined;
  const key = Buffer.from(encoded, 'base64');
  return key.length >= MIN_KEY_BYTES && key.length <= MAX_KEY_BYTES ? key : undefined;
}

/** Checks a secret a client chose; a 400 says what a valid one looks like. */
export function checkWebhookSecret(secret: string) {
  if (keyOf(secret)) return secret;
  throw badRequest(
    'INVALID_WEBHOOK_SECRET',
    `secret must be 'whsec_' followed by the base64 of a ${MIN_KEY_BYTES}-${MAX_KEY_BYTES} byte key (Standard Webhooks); omit it to get a generated one.`,
    { field: 'secret' },
  );
}

/**
 * The `webhook-signature` header: `v1,` + base64 HMAC-SHA256 over `${id}.${timestamp}.${body}` with the
 * secret's decoded key, as receivers using a Standard Webhooks library verify it.
 *
 * @example signWebhook(secret, 'msg_1', 1700000000, '{"type":"webhook.test"}') // 'v1,K5oZ...'
 */
export function signWebhook(secret: string, messageId: string, timestamp: number, body: string): string {
  const key = keyOf(secret);
  if (!key) throw new Error('the stored webhook secret is not a whsec_ secret');
  return `v1,${createHmac('sha256', key).update(`${messageId}.${timestamp}.${body}`).digest('base64')}`;
}
