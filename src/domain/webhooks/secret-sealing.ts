/**
 * What keeps webhook signing secrets encrypted at rest: the payload codec (the TEMPORAL_PAYLOAD_KEYS key
 * ring) implements it. Signing needs the secret itself, so it is sealed, not hashed.
 */
export interface SecretSealer {
  sealText(text: string): string;
  openText(sealed: string): string;
}

/** A stored secret in clear: a `whsec_` secret written before secrets were sealed. */
const LEGACY_PLAIN = 'whsec_';

/** The secret to sign with, from what the webhooks row holds (sealed, or in clear from before sealing). */
export const openWebhookSecret = (sealer: SecretSealer, stored: string) => (stored.startsWith(LEGACY_PLAIN) ? stored : sealer.openText(stored));
