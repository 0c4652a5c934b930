import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebhook } from '../../src/domain/webhooks/index.js';
import { waitFor } from '../support/api-server.js';
import { newAccount } from '../support/db.js';
import { captureLogger } from '../support/log-capture.js';
import { TEST_PAYLOAD_CODEC } from '../support/payload-codec.js';
import { hostOf, ownAddresses, refusedTargets } from '../support/ssrf-targets.js';
import { useTestStack, type TestStack } from '../support/stack.js';
import { TEST_WEBHOOK_SETTINGS } from '../support/webhook-receiver.js';

const deliveriesOf = async (stack: TestStack, key: string, webhookId: number) =>
  (await stack.api.call('GET', `/api/webhook-deliveries?webhookId=${webhookId}`, key)).body.deliveries;

/** A listener that counts the requests reaching it. */
async function listenOn(address: string) {
  let requests = 0;
  const server = http.createServer((req, res) => {
    requests++;
    req.resume();
    req.on('end', () => res.writeHead(200).end());
  });
  await new Promise<void>((resolve) => server.listen(0, address, resolve));
  return {
    url: `http://${hostOf(address)}:${(server.address() as AddressInfo).port}/internal-admin`,
    requests: () => requests,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

describe('webhook targets where the guard is on (WEBHOOK_ALLOW_PRIVATE_TARGETS=false)', () => {
  const guarded = { ...TEST_WEBHOOK_SETTINGS, allowPrivateTargets: false };
  const stack = useTestStack({ worker: { webhooks: guarded }, api: { webhooks: guarded } });
  let own: Awaited<ReturnType<typeof listenOn>>;
  beforeAll(async () => {
    expect(ownAddresses().length, 'this test needs a non-loopback interface address').toBeGreaterThan(0);
    own = await listenOn(ownAddresses()[0]!);
  });
  afterAll(() => own?.close());

  it('refuses every special-purpose form and the host\'s own interface addresses at creation with 400 WEBHOOK_TARGET_NOT_ALLOWED', async () => {
    const { apiKey: key } = await newAccount(stack.database);
    const targets = [...refusedTargets, own.url, ...ownAddresses().map((a) => `http://${hostOf(a)}:9/internal-admin`)];
    const accepted: string[] = [];
    for (const url of targets) {
      const r = await stack.api.call('POST', '/api/webhooks', key, { url, events: ['task.completed'] });
      if (r.status !== 400 || r.body.error?.code !== 'WEBHOOK_TARGET_NOT_ALLOWED') accepted.push(`${url} -> ${r.status}`);
    }
    expect(accepted).toEqual([]);
    expect((await stack.api.call('GET', '/api/webhooks', key)).body.total).toBe(0);
    expect(own.requests()).toBe(0);
  });

  it('still accepts global unicast targets, also in their NAT64 and 6to4 forms', async () => {
    const { apiKey: key } = await newAccount(stack.database);
    for (const url of ['http://93.184.215.14/hook', 'https://[2606:4700:4700::1111]/hook', 'http://[64:ff9b::808:808]/hook', 'http://[2002:808:808::1]/hook', 'http://[::ffff:8.8.8.8]/hook']) {
      const r = await stack.api.call('POST', '/api/webhooks', key, { url, events: ['task.completed'] });
      expect(r.status, `${url}: ${r.text}`).toBe(201);
    }
  });

  it("refuses at delivery a stored webhook naming the host's own address: nothing reaches the listener, the log tells no port detail", async () => {
    const { apiKey: key, accountId } = await newAccount(stack.database);
    // As if made before the guard knew this address (or while the switch was on).
    const hook = await createWebhook(stack.database.db, accountId, { url: own.url, events: ['task.completed'] }, { allowPrivateTargets: true, sealer: TEST_PAYLOAD_CODEC });
    expect((await stack.api.call('POST', `/api/webhooks/${hook.id}/test`, key)).status).toBe(202);
    const delivery = await waitFor('the delivery to settle', async () => {
      const [d] = await deliveriesOf(stack, key, hook.id);
      return d?.status === 'pending' ? undefined : d;
    });
    expect(delivery).toMatchObject({ status: 'failed', attemptCount: 1, lastResponseStatus: null });
    expect(delivery.lastError).toMatch(/may not reach/);
    expect(delivery.attempts).toMatchObject([{ status: 'failed', responseStatus: null, error: delivery.lastError }]);
    expect(own.requests()).toBe(0);
  });

  it('refuses at delivery a host name that now resolves to loopback (rebinding), naming neither the addresses nor a connection error', async () => {
    const { apiKey: key, accountId } = await newAccount(stack.database);
    const hook = await createWebhook(stack.database.db, accountId, { url: 'http://localhost:9/internal-admin', events: ['task.completed'] }, { allowPrivateTargets: true, sealer: TEST_PAYLOAD_CODEC });
    expect((await stack.api.call('POST', `/api/webhooks/${hook.id}/test`, key)).status).toBe(202);
    const delivery = await waitFor('the delivery to settle', async () => {
      const [d] = await deliveriesOf(stack, key, hook.id);
      return d?.status === 'pending' ? undefined : d;
    });
    expect(delivery).toMatchObject({ status: 'failed', attemptCount: 1, lastResponseStatus: null });
    expect(delivery.lastError).toMatch(/^The webhook host 'localhost' resolves to an address webhooks may not reach/);
    expect(delivery.lastError).not.toMatch(/127\.0\.0\.1|::1|ECONN|EADDR/);
  });
});

describe('failed connections where the switch allows loopback targets', () => {
  const captured = captureLogger();
  const stack = useTestStack({ worker: { log: captured.log } });
  let closedPort = 0;
  let openPort: net.Server;
  const sockets = new Set<net.Socket>();
  beforeAll(async () => {
    // A port that refuses (ECONNREFUSED) and an open one whose service speaks no HTTP.
    const probe = net.createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    closedPort = (probe.address() as AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    openPort = net.createServer((socket) => {
      sockets.add(socket.on('close', () => sockets.delete(socket)).on('error', () => {}));
      socket.end('SSH-2.0-OpenSSH_9.6\r\n');
    });
    await new Promise<void>((resolve) => openPort.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => (openPort ? openPort.close(() => resolve()) : resolve()));
  });

  it('logs the same tenant-visible text for a closed and an open port; operators find the cause in the logs', async () => {
    const { apiKey: key, accountId } = await newAccount(stack.database);
    const urls = [`http://127.0.0.1:${closedPort}/x`, `http://127.0.0.1:${(openPort.address() as AddressInfo).port}/x`];
    const hooks = [];
    for (const url of urls) {
      const hook = await createWebhook(stack.database.db, accountId, { url, events: ['task.completed'] }, { allowPrivateTargets: true, sealer: TEST_PAYLOAD_CODEC });
      expect((await stack.api.call('POST', `/api/webhooks/${hook.id}/test`, key)).status).toBe(202);
      hooks.push(hook);
    }
    const [closed, open] = await Promise.all(
      hooks.map((hook) =>
        waitFor('a failed attempt', async () => {
          const [d] = await deliveriesOf(stack, key, hook.id);
          return d?.lastError && d.attempts.length > 0 ? d : undefined;
        }),
      ),
    );
    // Retries would go on for a day: deleting the webhooks ends them.
    for (const hook of hooks) await stack.api.call('DELETE', `/api/webhooks/${hook.id}`, key);

    const tenantView = (d: any) => ({ lastResponseStatus: d.lastResponseStatus, lastError: d.lastError, attempt: { status: d.attempts[0].status, responseStatus: d.attempts[0].responseStatus, error: d.attempts[0].error } });
    expect(tenantView(closed)).toEqual(tenantView(open));
    expect(closed.lastError).toMatch(/could not connect/);
    expect(closed.lastError).not.toMatch(/ECONN|HPE_|refused|reset|hang up/i);

    // The worker logs an attempt just after recording it.
    const causeOf = (id: number) =>
      waitFor(`the log line of delivery ${id}`, async () =>
        captured.lines.map((l) => JSON.parse(l)).find((l) => l.msg === 'webhook attempt failed' && l.deliveryId === id)?.cause,
      );
    expect(await causeOf(closed.id)).toBe('ECONNREFUSED');
    expect(await causeOf(open.id)).toMatch(/^HPE_/);
    expect(captured.lines.join('\n')).not.toContain('127.0.0.1');
  });
});
