import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Payload, PayloadCodec, SerializationContext } from '@temporalio/common';
import proto from '@temporalio/proto';
import { AppError } from '../domain/errors.js';
import { REFUSED_PAYLOAD_VALUE } from '../shared/refused-payload.js';
import type { PayloadKey } from './payload-keys.js';

export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const KEY_ID_METADATA = 'encryption-key-id';

const IV_BYTES = 12;
const SEALED_PREFIX = 'sealed:v1:';
const TAG_BYTES = 16;
const ProtoPayload = proto.temporal.api.common.v1.Payload;
const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder();

const REFUSED_PAYLOAD: Payload = { metadata: { encoding: utf8.encode('json/plain') }, data: utf8.encode(JSON.stringify(REFUSED_PAYLOAD_VALUE)) };

/** Decodes for reading only (the Temporal UI): a payload that is not encrypted comes back as it is. */
export interface DisplayDecoder {
  decodeForDisplay(payloads: Payload[]): Promise<Payload[]>;
}

export interface PayloadCodecOptions {
  /**
   * What decode does with a payload that is not encrypted: 'refuse' (the default) hands on
   * REFUSED_PAYLOAD_VALUE instead, which every workflow refuses as its input, so a run started
   * by someone who reached Temporal without the keys does nothing; 'pass' hands it on as it is
   * (replaying histories recorded before encryption).
   */
  unencrypted?: 'refuse' | 'pass';
  /** Told of every refused payload (what it belonged to, never its content): the operators' log line. */
  onRefused?: (context: SerializationContext | undefined) => void;
}

const isEncrypted = (payload: Payload) => {
  const encoding = payload.metadata?.encoding;
  return encoding !== undefined && encoding !== null && fromUtf8.decode(encoding) === ENCRYPTED_ENCODING;
};

const notDecryptable = (message: string, keyId: string) =>
  new AppError(400, 'PAYLOAD_NOT_DECRYPTABLE', message, { keyId });

/**
 * AES-256-GCM over the whole serialized payload (metadata included, so even the encoding of a value is
 * hidden), the key id in clear metadata so rotation works: the first key encrypts, every key decrypts.
 * Encryption also proves that the service wrote a payload: one without the encrypted encoding is
 * refused (see PayloadCodecOptions), except by decodeForDisplay and by a codec built to replay
 * histories recorded before encryption.
 *
 * @example new Client({ connection, dataConverter: { payloadCodecs: [new AesGcmPayloadCodec(keys)] } })
 */
export class AesGcmPayloadCodec implements PayloadCodec, DisplayDecoder {
  private readonly byId: Map<string, Buffer>;
  private readonly current: PayloadKey;
  private readonly options: PayloadCodecOptions;

  constructor(keys: readonly PayloadKey[], options: PayloadCodecOptions = {}) {
    if (keys.length === 0) throw new Error('the payload codec needs at least one key');
    this.current = keys[0]!;
    this.byId = new Map(keys.map((k) => [k.id, k.key]));
    this.options = options;
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', this.current.key, iv);
      cipher.setAAD(utf8.encode(this.current.id));
      const sealed = Buffer.concat([iv, cipher.update(ProtoPayload.encode(payload).finish()), cipher.final(), cipher.getAuthTag()]);
      return {
        metadata: { encoding: utf8.encode(ENCRYPTED_ENCODING), [KEY_ID_METADATA]: utf8.encode(this.current.id) },
        data: new Uint8Array(sealed),
      };
    });
  }

  async decode(payloads: Payload[], context?: SerializationContext): Promise<Payload[]> {
    return payloads.map((payload) => {
      if (isEncrypted(payload) || this.options.unencrypted === 'pass') return this.decrypt(payload);
      this.options.onRefused?.(context);
      return REFUSED_PAYLOAD;
    });
  }

  async decodeForDisplay(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => this.decrypt(payload));
  }

  private decrypt(payload: Payload): Payload {
    if (!isEncrypted(payload)) return payload;
    const idBytes = payload.metadata?.[KEY_ID_METADATA];
    const keyId = idBytes ? fromUtf8.decode(idBytes) : '';
    const key = this.byId.get(keyId);
    if (!key) {
      throw notDecryptable(`A payload was encrypted with key "${keyId}", which is not configured: add it back to TEMPORAL_PAYLOAD_KEYS (old keys must stay listed while histories use them).`, keyId);
    }
    const data = Buffer.from(payload.data ?? new Uint8Array());
    if (data.length < IV_BYTES + TAG_BYTES) throw notDecryptable(`A payload marked ${ENCRYPTED_ENCODING} is too short to be one.`, keyId);
    const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, IV_BYTES));
    decipher.setAAD(utf8.encode(keyId));
    decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
    let plain: Buffer;
    try {
      plain = Buffer.concat([decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)), decipher.final()]);
    } catch {
      throw notDecryptable(`A payload did not authenticate under key "${keyId}": it was altered, or the key with this id is not the one that encrypted it.`, keyId);
    }
    const decoded = ProtoPayload.decode(plain);
    return { metadata: decoded.metadata, data: decoded.data };
  }

  /**
   * Seals a short text kept at rest (a webhook's signing secret) with the current key:
   * `sealed:v1:<key id>:<base64 of iv, ciphertext, tag>`, the key id and purpose bound in as AAD.
   */
  sealText(text: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.current.key, iv);
    cipher.setAAD(utf8.encode(`${SEALED_PREFIX}${this.current.id}`));
    const sealed = Buffer.concat([iv, cipher.update(text, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return `${SEALED_PREFIX}${this.current.id}:${sealed.toString('base64')}`;
  }

  /** The text sealText sealed; any configured key opens it. Throws an Error naming the missing key otherwise. */
  openText(sealed: string): string {
    const rest = sealed.startsWith(SEALED_PREFIX) ? sealed.slice(SEALED_PREFIX.length) : '';
    const colon = rest.indexOf(':');
    const keyId = rest.slice(0, Math.max(0, colon));
    const key = this.byId.get(keyId);
    if (colon < 0 || !key) throw new Error(`a sealed value names key "${keyId}", which is not in TEMPORAL_PAYLOAD_KEYS: add that key back (after the first)`);
    const data = Buffer.from(rest.slice(colon + 1), 'base64');
    const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, IV_BYTES));
    decipher.setAAD(utf8.encode(`${SEALED_PREFIX}${keyId}`));
    decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
    return Buffer.concat([decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)), decipher.final()]).toString('utf8');
  }
}
