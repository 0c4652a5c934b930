import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebhook, isAllowedTargetAddress } from '../../src/domain/webhooks/index.js';
import { waitFor } from '../support/api-server.js';
import { newAccount } from '../support/db.js';
import { TEST_PAYLOAD_CODEC } from '../support/payload-codec.js';
import { useTestStack } from '../support/stack.js';
import { startWebhookReceiver, TEST_WEBHOOK_SETTINGS } from '../support/webhook-receiver.js';

/** The SSRF guard as deployed (WEBHOOK_ALLOW_PRIVATE_TARGETS=false) in the API and in the worker. */
const guarded = { ...TEST_WEBHOOK_SETTINGS, allowPrivateTargets: false };
const stack = useTestStack({ worker: { webhooks: guarded }, api: { webhooks: guarded } });
let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
beforeAll(async () => {
  receiver = await startWebhookReceiver(() => '');
});
afterAll(() => receiver?.close());

describe('SSRF guard', () => {
  it('classifies addresses: loopback, private, link-local, unique-local and IPv4-mapped ones are refused', () => {
    const privateOnes = ['127.0.0.1', '10.2.3.4', '172.31.255.1', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '::1', '::', 'fe80::1', 'fd12:3456::1', '::ffff:127.0.0.1', '::ffff:7f00:1', '::ffff:a00:1'];
    const publicOnes = ['8.8.8.8', '1.1.1.1', '2606:4700:4700::1111', '::ffff:8.8.8.8'];
    expect(privateOnes.filter((a) => isAllowedTargetAddress(a))).toEqual([]);
    expect(publicOnes.filter((a) => !isAllowedTargetAddress(a))).toEqual([]);
  });

  it('refuses a private target at creation with 400 WEBHOOK_TARGET_NOT_ALLOWED', async () => {
    const { apiKey: key } = await newAccount(stack.database);
    for (const url of [receiver.url, 'http://localhost:9/x', 'http://[::1]/x', 'http://[::ffff:127.0.0.1]/x', 'http://169.254.169.254/latest', 'https://10.0.0.1/', 'http://[fd00::1]/']) {
      const r = await stack.api.call('POST', '/api/webhooks', key, { url, events: ['task.completed'] });
      expect(r.status, `${url}: ${r.text}`).toBe(400);
      expect(r.body.error.code).toBe('WEBHOOK_TARGET_NOT_ALLOWED');
      expect(r.body.error.message).toContain('private');
    }
    expect((await stack.api.call('GET', '/api/webhooks', key)).body.total).toBe(0);
  });

  it('a host that resolves private at delivery fails for good, without retries, and the receiver gets nothing', async () => {
    const { apiKey: key, accountId } = await newAccount(stack.database);
    // As if `localhost` had resolved to a public address when the webhook was made (DNS rebinding).
    const url = receiver.url.replace('127.0.0.1', 'localhost');
    const hook = await createWebhook(stack.database.db, accountId, { url, events: ['task.completed'] }, { allowPrivateTargets: true, sealer: TEST_PAYLOAD_CODEC });
    const sent = await stack.api.call('POST', `/api/webhooks/${hook.id}/test`, key);
    expect(sent.status, sent.text).toBe(202);
    const delivery = await waitFor('the refused delivery', async () => {
      const page = (await stack.api.call('GET', `/api/webhook-deliveries?webhookId=${hook.id}`, key)).body;
      return page.deliveries[0]?.status === 'failed' ? page.deliveries[0] : undefined;
    });
    expect(delivery).toMatchObject({ attemptCount: 1, lastResponseStatus: null });
    expect(delivery.lastError).toMatch(/^The webhook host 'localhost' resolves to an address webhooks may not reach/);
    expect(delivery.attempts).toHaveLength(1);
    expect(receiver.requests).toHaveLength(0);
  });
});
