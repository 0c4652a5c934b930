import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { createApp } from '../../src/server/app.js';
import type { ApiDeps } from '../../src/http/deps.js';
import type { Database } from '../../src/db/client.js';
import { TERMINAL_TASK_STATUSES, type TaskStatus } from '../../src/db/schema.js';
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

export interface ApiReply extends JsonReply {
  headers: Headers;
}

export interface CallOptions {
  /** Sent as `Authorization: Bearer <key>`. */
  key?: string | null;
  /** Sent as a JSON body. */
  json?: unknown;
  /** Sent as it is (a JSON content type unless `headers` gives one): for malformed bodies. */
  rawBody?: string;
  headers?: Record<string, string>;
  /** Sent as multipart/form-data (fetch sets the boundary). */
  form?: FormData;
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

/**
 * The one HTTP call of the tests: a request with an optional bearer key and body, the answer parsed as
 * JSON when it is. Files bind it to their server's URL.
 *
 * @example const call = (method: string, path: string, opts?: CallOptions) => apiCall(api.url, method, path, opts);
 */
export async function apiCall(baseUrl: string, method: string, path: string, opts: CallOptions = {}): Promise<ApiReply> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.key) headers.authorization = `Bearer ${opts.key}`;
  let body = opts.rawBody;
  if (opts.json !== undefined) body = JSON.stringify(opts.json);
  if (body !== undefined && !headers['content-type']) headers['content-type'] = 'application/json';
  const res = await fetch(`${baseUrl}${path}`, { method, headers, body: opts.form ?? body });
  const text = await res.text();
  let parsed: any = null;
  try {
    parsed = text === '' ? null : JSON.parse(text);
  } catch {
    parsed = text;
  }
  return { status: res.status, body: parsed, text, headers: res.headers };
}

/** `apiCall` with the key and JSON body as arguments (the form `startApiServer(...).call` takes). */
export const callJson = (baseUrl: string, method: string, path: string, key: string | null, json?: unknown): Promise<ApiReply> =>
  apiCall(baseUrl, method, path, { key, json });

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

/**
 * Polls `read` (a task's row or its API detail) until the task has ended, and answers what `read`
 * returned then. `read` may answer undefined while the task is not there yet.
 *
 * @example const task = await waitForTaskEnd(taskId, async () => (await api.call('GET', `${T}/${taskId}`, key)).body);
 */
export function waitForTaskEnd<T>(taskId: number | string, read: () => Promise<T | undefined>, ms?: number): Promise<T> {
  return waitFor(`task ${taskId} to end`, async () => {
    const task = await read();
    return task !== undefined && TERMINAL_TASK_STATUSES.includes((task as { status?: string }).status as TaskStatus) ? task : undefined;
  }, ms);
}
