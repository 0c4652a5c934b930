import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import { ApiClient } from '../../src/cli/http-client.js';

/** The CLI's creates carry an Idempotency-Key and repeat it on their own retries (a real loopback server). */
const servers: http.Server[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
});

/** A server that answers each request with the next of `plan`: 'drop' destroys the connection unanswered. */
async function serverWith(plan: ('drop' | { status: number; headers?: Record<string, string>; body: unknown })[]) {
  const seen: { key: string | undefined; body: string }[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      seen.push({ key: req.headers['idempotency-key'] as string | undefined, body });
      const step = plan[seen.length - 1] ?? plan.at(-1)!;
      if (step === 'drop') return void req.socket.destroy();
      res.writeHead(step.status, { 'content-type': 'application/json', ...step.headers }).end(JSON.stringify(step.body));
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

it('repeats a create whose connection was lost, and one answered 503, with the same key', async () => {
  const server = await serverWith(['drop', { status: 503, body: { error: { code: 'DEPENDENCY_UNAVAILABLE', message: 'down' } } }, { status: 201, body: { taskId: 7 } }]);
  const client = new ApiClient({ url: server.url, apiKey: 'k' });
  expect(await client.create('/api/article-generation/tasks', { articleCount: 1 })).toEqual({ taskId: 7 });
  expect(server.seen).toHaveLength(3);
  const keys = new Set(server.seen.map((s) => s.key));
  expect(keys.size).toBe(1);
  expect([...keys][0]).toMatch(/^[0-9a-f-]{36}$/);
  expect(new Set(server.seen.map((s) => s.body))).toEqual(new Set(['{"articleCount":1}']));
});

it('waits out a short 429 RATE_LIMITED, but reports a 400 and a long 429 at once; every create gets a key of its own', async () => {
  const limited = { status: 429, headers: { 'retry-after': '1' }, body: { error: { code: 'RATE_LIMITED', message: 'slow down' } } };
  const server = await serverWith([limited, { status: 201, body: { id: 1 } }, { status: 400, body: { error: { code: 'VALIDATION_ERROR', message: 'bad' } } }]);
  const client = new ApiClient({ url: server.url, apiKey: 'k' });
  expect(await client.create('/api/schedules', {})).toEqual({ id: 1 });
  await expect(client.create('/api/schedules', {})).rejects.toMatchObject({ status: 400, code: 'VALIDATION_ERROR' });
  expect(server.seen).toHaveLength(3);
  expect(server.seen[0]!.key).toBe(server.seen[1]!.key);
  expect(server.seen[2]!.key).not.toBe(server.seen[0]!.key);

  const long = await serverWith([{ ...limited, headers: { 'retry-after': '3600' } }]);
  await expect(new ApiClient({ url: long.url }).create('/x')).rejects.toMatchObject({ status: 429, retryAfterSeconds: 3600 });
  expect(long.seen).toHaveLength(1);
});
