import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { createApp } from '../../src/server/app.js';
import type { ApiDeps } from '../../src/http/deps.js';
import type { Database } from '../../src/db/client.js';
import { createLogger } from '../../src/logger.js';
import { TEST_PAYLOAD_CODEC } from './payload-codec.js';
import { TEST_QUALITY } from './worker.js';
import { TEST_WEBHOOK_SETTINGS } from './webhook-receiver.js';

export interface TestServer {
  url: string;
  close(): Promise<void>;
}

export interface JsonReply {
  status: number;
  body: any;
  text: string;
}

/** Serves a Hono app on a loopback port (a free one unless given): tests go through real HTTP. */
export async function serveApp(app: { fetch: (req: Request) => Response | Promise<Response> }, port = 0): Promise<TestServer> {
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port, hostname: '127.0.0.1' }, () => resolve(s));
    s.once('error', reject);
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Open event streams would keep close() waiting.
        if ('closeAllConnections' in server) server.closeAllConnections();
      }),
  };
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

/** The API over the test's database and Temporal target, with a `call` bound to its URL; on `port` when given. */
export async function startApiServer(database: Database, temporal: ApiDeps['temporal'], extra: Partial<ApiDeps> = {}, port = 0) {
  const server = await serveApp(
    createApp({ db: database.db, temporal, log: createLogger('silent'), defaultConcurrency: 5, codec: TEST_PAYLOAD_CODEC, codecCorsOrigins: [], quality: TEST_QUALITY, webhooks: TEST_WEBHOOK_SETTINGS, ...extra }),
    port,
  );
  return {
    ...server,
    call: (method: string, path: string, key: string | null, body?: unknown) => callJson(server.url, method, path, key, body),
  };
}

/** Polls until `check` returns a value (not undefined), or fails after `ms`. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined>, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
