import { AesGcmPayloadCodec } from '../../src/temporal/payload-codec.js';
import { parsePayloadKeys } from '../../src/temporal/payload-keys.js';

/**
 * The payload keys of every test client and worker (fixed, so recorded encrypted histories replay):
 * `test-new` encrypts, `test-old` only decrypts, as after a rotation.
 */
export const TEST_PAYLOAD_KEYS = `test-new:${Buffer.alloc(32, 7).toString('base64')},test-old:${Buffer.alloc(32, 3).toString('base64')}`;

const parsed = parsePayloadKeys(TEST_PAYLOAD_KEYS);
if (!('keys' in parsed)) throw new Error(parsed.errors.join('; '));
export const TEST_PAYLOAD_CODEC = new AesGcmPayloadCodec(parsed.keys);
/** For replaying the fixtures recorded before encryption, whose payloads are plain. */
export const TEST_REPLAY_CODEC = new AesGcmPayloadCodec(parsed.keys, { unencrypted: 'pass' });
