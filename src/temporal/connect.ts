import { Client, Connection } from '@temporalio/client';
import type { PayloadCodec } from '@temporalio/common';

export interface TemporalHandles {
  connection: Connection;
  client: Client;
  close(): Promise<void>;
}

/** A client whose payloads go through `codec` (encrypted before they reach Temporal, decrypted on read). */
export async function connectTemporal(address: string, namespace: string, codec: PayloadCodec): Promise<TemporalHandles> {
  const connection = await Connection.connect({ address });
  const client = new Client({ connection, namespace, dataConverter: { payloadCodecs: [codec] } });
  return { connection, client, close: () => connection.close() };
}
