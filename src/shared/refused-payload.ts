/**
 * What the payload codec hands on in place of a payload that is not encrypted with a configured key
 * (see AesGcmPayloadCodec): a value no caller of ours writes, which every workflow refuses as its input.
 * Encryption is the proof that the service wrote a payload; anyone who can reach Temporal can write a
 * plain one (`temporal workflow execute ... --input`).
 */
export const REFUSED_PAYLOAD_KEY = 'artgenRefusedPayload';

/** The failure type of a run whose input the codec refused or that names objects that do not belong together. */
export const UNTRUSTED_RUN_FAILURE = 'UntrustedRunRefused';

export const REFUSED_PAYLOAD_VALUE = { [REFUSED_PAYLOAD_KEY]: 'not encrypted with a configured payload key' } as const;

export function isRefusedPayload(value: unknown): boolean {
  return typeof value === 'object' && value !== null && REFUSED_PAYLOAD_KEY in value;
}
