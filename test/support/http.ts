import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { createApp } from '../../src/api/app.js';
import type { ApiDeps } from '../../src/api/types.js';

export interface TestServer {
  url: string;
  close(): Promise<void>;
}

export interface Reply {
  status: number;
  body: any;
  text: string;
}

/** The real app on a loopback port. */
export async function startApiServer(deps: ApiDeps): Promise<TestServer> {
  const app = createApp(deps);
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
        if ('closeAllConnections' in server) server.closeAllConnections();
      }),
  };
}

/** One real HTTP request with an optional bearer key and JSON body; the reply body is parsed when JSON. */
export async function callApi(server: TestServer, method: string, path: string, opts: { key?: string; json?: unknown } = {}): Promise<Reply> {
  const headers: Record<string, string> = {};
  if (opts.key) headers.authorization = `Bearer ${opts.key}`;
  if (opts.json !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${server.url}${path}`, { method, headers, body: opts.json === undefined ? undefined : JSON.stringify(opts.json) });
  const text = await res.text();
  let body: any = null;
  try {
    body = text === '' ? null : JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: res.status, body, text };
}
