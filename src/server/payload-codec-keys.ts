import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { SerializationContext } from '@temporalio/common';
import { ConfigError, type Config } from '../config.js';
import { narrowToOwner, writePrivateFile } from '../infra/private-files.js';
import type { Logger } from '../logger.js';
import { AesGcmPayloadCodec } from '../temporal/payload-codec.js';
import { newPayloadKeySpec, parsePayloadKeys } from '../temporal/payload-keys.js';

/**
 * The payload codec of this process. TEMPORAL_PAYLOAD_KEYS wins. Without it, the embedded mode (a dev
 * server it started itself) keeps a generated key in `<dataDir>/payload-keys`, like the dev API key, so
 * `npm start` needs no setup; a process using an external Temporal server refuses to start, because
 * every tenant's articles would otherwise sit readable in that server's histories. In both modes a
 * payload that is not encrypted with one of the keys is refused (and logged to `log`): the dev server's
 * port is as reachable as an external server's.
 */
export async function resolvePayloadCodec(config: Config, mode: { embedded: boolean; command: string }, log?: Logger) {
  const options = { onRefused: (context: SerializationContext | undefined) => log?.warn({ context }, 'refused a payload that is not encrypted with a configured key: a run not started by this service') };
  if (config.TEMPORAL_PAYLOAD_KEYS) return { codec: new AesGcmPayloadCodec(config.TEMPORAL_PAYLOAD_KEYS, options), keyFile: null };
  if (!mode.embedded) {
    throw new ConfigError(
      `TEMPORAL_PAYLOAD_KEYS is required for \`${mode.command}\` with an external Temporal server: payloads are encrypted before they reach it. ` +
        'Set it to <id>:<base64 32-byte key> (make one with: openssl rand -base64 32), the same value in every API and worker process.',
    );
  }
  const keyFile = path.join(config.dataDir, 'payload-keys');
  let spec = (await readFile(keyFile, 'utf8').catch(() => '')).trim();
  if (!spec) {
    spec = newPayloadKeySpec();
    await writePrivateFile(keyFile, `${spec}\n`);
  } else {
    await narrowToOwner([keyFile]);
  }
  const parsed = parsePayloadKeys(spec);
  if ('errors' in parsed) throw new ConfigError(`${keyFile} is not a valid key list (${parsed.errors.join('; ')}); fix it (a new file makes the histories encrypted with the old key unreadable).`);
  return { codec: new AesGcmPayloadCodec(parsed.keys, options), keyFile };
}
