import { Client, Connection } from '@temporalio/client';

export interface TemporalHandles {
  connection: Connection;
  client: Client;
  close(): Promise<void>;
}

export async function connectTemporal(address: string, namespace: string): Promise<TemporalHandles> {
  const connection = await Connection.connect({ address });
  const client = new Client({ connection, namespace });
  return { connection, client, close: () => connection.close() };
}
