import { fileURLToPath } from 'node:url';
import type { DataConverter, PayloadCodec } from '@temporalio/common';

/**
 * The failure converter module (CommonJS, so the SDK's `require` and the workflow bundler both load it
 * as it is): failure messages and stack traces go through the payload codec too.
 */
export const FAILURE_CONVERTER_PATH = fileURLToPath(new URL('./failure-converter.cjs', import.meta.url));

/**
 * The data converter of every client and worker: payloads and failure messages encrypted by `codec`.
 *
 * @example new Client({ connection, dataConverter: encryptedDataConverter(codec) })
 */
export function encryptedDataConverter(codec: PayloadCodec): DataConverter {
  return { payloadCodecs: [codec], failureConverterPath: FAILURE_CONVERTER_PATH };
}
