import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';

export interface TestServer {
  url: string;
  close(): Promise<void>;
}

/** Serves a Hono app's fetch on a free loopback port. */
export async function startTestServer(app: { fetch: (req: Request) => Response | Promise<Response> }): Promise<TestServer> {
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
    s.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Open event streams would keep close() waiting.
        if ('closeAllConnections' in server) server.closeAllConnections();
      }),
  };
}

export interface JsonReply {
  status: number;
  body: any;
  text: string;
}

/** One request with an optional bearer key and JSON body; the answer parsed as JSON when it is. */
export async function callJson(baseUrl: string, method: string, path: string, key: string | null, json?: unknown): Promise<JsonReply> {
  const headers: Record<string, string> = {};
  if (key) headers.authorization = `Bearer ${key}`;
  if (json !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${baseUrl}${path}`, { method, headers, body: json === undefined ? undefined : JSON.stringify(json) });
  const text = await res.text();
  let body: any = null;
  try {
    body = text === '' ? null : JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: res.status, body, text };
}
