import { Client, Connection } from '@temporalio/client';
import type { PayloadCodec } from '@temporalio/common';
import { tracingClientInterceptors } from '../infra/tracing/index.js';
import { encryptedDataConverter } from './data-converter.js';

export interface TemporalHandles {
  connection: Connection;
  client: Client;
  close(): Promise<void>;
}

/**
 * A client whose payloads and failure messages go through `codec` (encrypted before they reach Temporal, decrypted
 * on read); in a process that traces, the workflows it starts carry the caller's trace context.
 */
export async function connectTemporal(address: string, namespace: string, codec: PayloadCodec): Promise<TemporalHandles> {
  const connection = await Connection.connect({ address });
  const client = new Client({ connection, namespace, dataConverter: encryptedDataConverter(codec), interceptors: { workflow: tracingClientInterceptors() } });
  return { connection, client, close: () => connection.close() };
}
