import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DefaultPayloadConverter } from '@temporalio/common';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { resolvePayloadCodec } from '../../src/server/payload-codec-keys.js';
import { AesGcmPayloadCodec, ENCRYPTED_ENCODING, KEY_ID_METADATA } from '../../src/temporal/payload-codec.js';
import { parsePayloadKeys, type PayloadKey } from '../../src/temporal/payload-keys.js';
import { openWebhookSecret } from '../../src/domain/webhooks/index.js';
import { isRefusedPayload, REFUSED_PAYLOAD_VALUE } from '../../src/shared/refused-payload.js';

const converter = new DefaultPayloadConverter();
const key = (id: string): PayloadKey => ({ id, key: randomBytes(32) });
const text = (bytes: Uint8Array | null | undefined) => Buffer.from(bytes ?? new Uint8Array()).toString('utf8');

describe('payload codec (AES-256-GCM)', () => {
  it('round-trips any JSON value, and the encrypted payload shows neither the value nor its encoding', async () => {
    const codec = new AesGcmPayloadCodec([key('k1')]);
    await fc.assert(
      fc.asyncProperty(fc.jsonValue(), fc.string({ minLength: 8 }), async (value, secret) => {
        const plain = converter.toPayload({ value, secret });
        const [sealed] = await codec.encode([plain]);
        expect(text(sealed!.metadata!.encoding)).toBe(ENCRYPTED_ENCODING);
        expect(text(sealed!.metadata![KEY_ID_METADATA])).toBe('k1');
        expect(Buffer.from(sealed!.data!).includes(Buffer.from(secret))).toBe(false);
        expect(Buffer.from(sealed!.data!).includes(Buffer.from('json/plain'))).toBe(false);
        const [opened] = await codec.decode([sealed!]);
        expect(converter.fromPayload(opened!)).toEqual(JSON.parse(JSON.stringify({ value, secret })));
      }),
      { numRuns: 100 },
    );
  });

  it('refuses a payload that is not encrypted (the refusal marker, reported without its content); shows it as it is for reading, and passes it when built to replay old histories', async () => {
    const refused: unknown[] = [];
    const codec = new AesGcmPayloadCodec([key('k1')], { onRefused: (context) => refused.push(context) });
    const plain = converter.toPayload({ scheduleId: 1 });
    const context = { type: 'workflow', namespace: 'default', workflowId: 'injected' } as const;
    const [decoded] = await codec.decode([plain], context);
    expect(converter.fromPayload(decoded!)).toEqual(REFUSED_PAYLOAD_VALUE);
    expect(isRefusedPayload(converter.fromPayload(decoded!))).toBe(true);
    expect(refused).toEqual([context]);
    expect(await codec.decodeForDisplay([plain])).toEqual([plain]);
    expect(await new AesGcmPayloadCodec([key('k1')], { unencrypted: 'pass' }).decode([plain])).toEqual([plain]);
  });

  it('rotation: the first key encrypts, every listed key decrypts', async () => {
    const [older, newer] = [key('old'), key('new')];
    const [byOld] = await new AesGcmPayloadCodec([older]).encode([converter.toPayload('written before rotation')]);
    const rotated = new AesGcmPayloadCodec([newer, older]);
    const [byNew] = await rotated.encode([converter.toPayload('written after')]);
    expect(text(byNew!.metadata![KEY_ID_METADATA])).toBe('new');
    expect((await rotated.decode([byOld!, byNew!])).map((p) => converter.fromPayload(p))).toEqual(['written before rotation', 'written after']);
  });

  it('refuses a payload under a key no longer listed, and one that was altered, naming the key', async () => {
    const [sealed] = await new AesGcmPayloadCodec([key('gone')]).encode([converter.toPayload('x')]);
    await expect(new AesGcmPayloadCodec([key('other')]).decode([sealed!])).rejects.toMatchObject({ code: 'PAYLOAD_NOT_DECRYPTABLE', details: { keyId: 'gone' } });
    const own = key('k1');
    const codec = new AesGcmPayloadCodec([own]);
    const [good] = await codec.encode([converter.toPayload('x')]);
    const altered = Uint8Array.from(good!.data!);
    altered[20]! ^= 1;
    await expect(codec.decode([{ ...good!, data: altered }])).rejects.toThrow(/did not authenticate under key "k1"/);
    // The key id is authenticated too: relabelling a payload to another listed key fails.
    const two = new AesGcmPayloadCodec([own, { id: 'k2', key: own.key }]);
    await expect(two.decode([{ ...good!, metadata: { ...good!.metadata, [KEY_ID_METADATA]: Buffer.from('k2') } }])).rejects.toThrow(/did not authenticate/);
  });
});

describe('sealed texts (webhook signing secrets at rest)', () => {
  it('opens what it sealed, also after a rotation; refuses a missing key and an altered value; a secret from before sealing passes', () => {
    const [a, b] = [key('a'), key('b')];
    const before = new AesGcmPayloadCodec([a]);
    const secret = 'whsec_' + randomBytes(32).toString('base64');
    const sealed = before.sealText(secret);
    expect(sealed).toMatch(/^sealed:v1:a:/);
    expect(sealed).not.toContain(secret.slice(6));
    expect(before.sealText(secret)).not.toBe(sealed); // a fresh IV each time
    expect(new AesGcmPayloadCodec([b, a]).openText(sealed)).toBe(secret);
    expect(() => new AesGcmPayloadCodec([b]).openText(sealed)).toThrow(/key "a", which is not in TEMPORAL_PAYLOAD_KEYS/);
    const altered = sealed.slice(0, -6) + (sealed.endsWith('AAAA==') ? 'BBBB==' : 'AAAA==');
    expect(() => before.openText(altered)).toThrow();
    expect(openWebhookSecret(before, secret)).toBe(secret);
    expect(openWebhookSecret(before, sealed)).toBe(secret);
  });
});

describe('TEMPORAL_PAYLOAD_KEYS', () => {
  const b64 = (n: number) => randomBytes(n).toString('base64');

  it('parses id:base64key pairs in order', () => {
    const parsed = parsePayloadKeys(`a:${b64(32)}, b.2:${b64(32)}`);
    expect('keys' in parsed && parsed.keys.map((k) => k.id)).toEqual(['a', 'b.2']);
  });

  it.each([
    [`a:${b64(16)}`, /key "a" is 16 bytes after base64 decoding; AES-256-GCM needs exactly 32/],
    [`a:${b64(32)},a:${b64(32)}`, /key id "a" appears twice/],
    [b64(32), /entry 1 must look like <id>:<base64 key>/],
    ['a:not base64!', /key "a" is 0 bytes/],
  ])('rejects %s with a message saying what to fix', (spec, message) => {
    expect(() => loadConfig({ TEMPORAL_PAYLOAD_KEYS: spec })).toThrow(/TEMPORAL_PAYLOAD_KEYS:/);
    expect(() => loadConfig({ TEMPORAL_PAYLOAD_KEYS: spec })).toThrow(message);
  });

  it('is required with an external Temporal server; the embedded mode generates one key into DATA_DIR and keeps it', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'artgen-keys-'));
    try {
      const config = loadConfig({ DATA_DIR: dataDir });
      await expect(resolvePayloadCodec(config, { embedded: false, command: 'npm run worker' })).rejects.toThrow(/TEMPORAL_PAYLOAD_KEYS is required for `npm run worker`/);
      const first = await resolvePayloadCodec(config, { embedded: true, command: 'npm start' });
      expect(first.keyFile).toBe(path.join(dataDir, 'payload-keys'));
      const [sealed] = await first.codec.encode([converter.toPayload('kept')]);
      const again = await resolvePayloadCodec(config, { embedded: true, command: 'npm start' });
      expect(converter.fromPayload((await again.codec.decode([sealed!]))[0]!)).toBe('kept');
      const given = await resolvePayloadCodec(loadConfig({ DATA_DIR: dataDir, TEMPORAL_PAYLOAD_KEYS: `x:${b64(32)}` }), { embedded: false, command: 'npm run api' });
      expect(given.keyFile).toBeNull();
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('rejects a codec CORS origin that is not an origin', () => {
    expect(() => loadConfig({ TEMPORAL_CODEC_CORS_ORIGINS: 'http://ok:8080,localhost:8233/path' })).toThrow(/TEMPORAL_CODEC_CORS_ORIGINS: "localhost:8233\/path" is not an origin/);
  });
});
