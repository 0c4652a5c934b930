import { randomBytes } from 'node:crypto';

/** One AES-256 key of the payload codec; `id` travels in every payload it encrypted. */
export interface PayloadKey {
  id: string;
  key: Buffer;
}

const KEY_BYTES = 32;
const ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;
const BASE64_PATTERN = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * Parses `id1:base64key,id2:base64key` (the format of TEMPORAL_PAYLOAD_KEYS). The first key encrypts,
 * every key decrypts: rotate by putting a new key first and keeping the old ones until no history
 * that needs them is left. Returns the keys, or the problems found, each saying what to fix.
 *
 * @example parsePayloadKeys('2025a:' + randomBytes(32).toString('base64'))
 */
export function parsePayloadKeys(spec: string): { keys: PayloadKey[] } | { errors: string[] } {
  const errors: string[] = [];
  const keys: PayloadKey[] = [];
  for (const [i, entry] of spec.split(',').map((e) => e.trim()).entries()) {
    const colon = entry.indexOf(':');
    const id = colon < 0 ? '' : entry.slice(0, colon).trim();
    const encoded = colon < 0 ? '' : entry.slice(colon + 1).trim();
    if (!ID_PATTERN.test(id)) {
      errors.push(`entry ${i + 1} must look like <id>:<base64 key> with an id of 1-64 letters, digits, ".", "_" or "-"`);
      continue;
    }
    if (keys.some((k) => k.id === id)) {
      errors.push(`key id "${id}" appears twice; every key needs its own id`);
      continue;
    }
    const key = BASE64_PATTERN.test(encoded) ? Buffer.from(encoded, 'base64') : Buffer.alloc(0);
    if (key.length !== KEY_BYTES) {
      errors.push(
        `key "${id}" is ${key.length} bytes after base64 decoding; AES-256-GCM needs exactly ${KEY_BYTES} (make one with: openssl rand -base64 32)`,
      );
      continue;
    }
    keys.push({ id, key });
  }
  return errors.length > 0 ? { errors } : { keys };
}

/** A new key in the TEMPORAL_PAYLOAD_KEYS format, its id naming the day it was made. */
export function newPayloadKeySpec(now = new Date()) {
  const id = `k${now.toISOString().slice(0, 10).replaceAll('-', '')}`;
  return `${id}:${randomBytes(KEY_BYTES).toString('base64')}`;
}
