import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { resolvePublicAddresses } from './target-address.js';

export interface PostResult {
  status: number;
  durationMs: number;
}

/**
 * The connection's own DNS lookup, checked: the address connected to is the one checked, so a host that
 * resolves public at creation and private now (DNS rebinding) is refused at delivery.
 */
export const guardedLookup =
  (allowPrivate: boolean): LookupFunction =>
  (hostname, options, callback) => {
    resolvePublicAddresses(hostname, allowPrivate).then(
      (addresses) => {
        const wanted = options.family === 4 || options.family === 6 ? addresses.filter((a) => a.family === options.family) : addresses;
        if (options.all) return callback(null, wanted as never);
        const first = wanted[0] ?? addresses[0]!;
        callback(null, first.address, first.family);
      },
      (err: Error) => callback(err as NodeJS.ErrnoException, '', 0),
    );
  };

/**
 * POSTs a JSON body with the given headers; answers the status (redirects are not followed) or rejects
 * on a network error, a timeout or a refused target (the WebhookTargetNotAllowed error itself).
 */
export async function postWebhook(url: URL, headers: Record<string, string>, body: string, o: { timeoutMs: number; allowPrivate: boolean }): Promise<PostResult> {
  // An IP literal connects without a lookup: check it here.
  if (isIP(url.hostname.replace(/^\[(.*)\]$/, '$1'))) await resolvePublicAddresses(url.hostname, o.allowPrivate);
  const startedAt = Date.now();
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = client.request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'artgen-webhooks', 'content-length': Buffer.byteLength(body), ...headers },
      lookup: guardedLookup(o.allowPrivate),
      timeout: o.timeoutMs,
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error(`no answer within ${o.timeoutMs} ms`), { code: 'ETIMEDOUT' })));
    req.on('error', reject);
    req.on('response', (res) => {
      // The answer's body is not used; read it so the socket closes cleanly.
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, durationMs: Date.now() - startedAt }));
      res.on('error', reject);
    });
    req.end(body);
  });
}
