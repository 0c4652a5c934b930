import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WebhookSettings } from '../../src/config.js';

/** Tests reach their loopback receivers and retry quickly. */
export const TEST_WEBHOOK_SETTINGS: WebhookSettings = { allowPrivateTargets: true, policy: { timeoutMs: 5_000, retryInitialMs: 100 }, publishingMinuteSeconds: 60 };

/**
 * Verifies a request as a Standard Webhooks receiver does, written from the spec and not from the
 * sender's code: the key is the base64 after `whsec_`, the signed content `${id}.${timestamp}.${body}`,
 * the header a space-separated list of `v1,<base64>`.
 */
export function verifyStandardWebhook(secret: string, headers: http.IncomingHttpHeaders, body: string): boolean {
  const id = headers['webhook-id'];
  const timestamp = headers['webhook-timestamp'];
  const signatures = headers['webhook-signature'];
  if (typeof id !== 'string' || typeof timestamp !== 'string' || typeof signatures !== 'string') return false;
  if (Math.abs(Date.now() / 1000 - Number(timestamp)) > 300) return false;
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const expected = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest();
  return signatures.split(' ').some((entry) => {
    const [version, sig] = entry.split(',');
    const given = Buffer.from(sig ?? '', 'base64');
    return version === 'v1' && given.length === expected.length && timingSafeEqual(given, expected);
  });
}

export interface ReceivedWebhook {
  id: string;
  timestamp: number;
  body: any;
  verified: boolean;
  answeredStatus: number;
  /** When the request arrived (ms since the epoch). */
  receivedAt: number;
}

/**
 * A loopback webhook receiver. `answer(n)` picks the status of the n-th request (1-based); it
 * deduplicates by webhook-id, as a receiver should, and records every request.
 */
export async function startWebhookReceiver(secret: () => string, answer: (n: number, id: string) => number | Promise<number> = () => 200) {
  const requests: ReceivedWebhook[] = [];
  const processed = new Set<string>();
  const server = http.createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (raw += chunk));
    req.on('end', async () => {
      const id = String(req.headers['webhook-id']);
      const record: ReceivedWebhook = { receivedAt: Date.now(), id, timestamp: Number(req.headers['webhook-timestamp']), body: JSON.parse(raw), verified: verifyStandardWebhook(secret(), req.headers, raw), answeredStatus: 0 };
      requests.push(record);
      record.answeredStatus = record.verified ? await answer(requests.length, id) : 401;
      if (record.answeredStatus >= 200 && record.answeredStatus < 300) processed.add(id);
      res.writeHead(record.answeredStatus).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    requests,
    /** The webhook-ids processed once each (the receiver's deduplication). */
    processed,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
