import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import os from 'node:os';
import { AppError } from '../errors.js';
import { isGlobalUnicast, unwrapAddress } from './global-unicast.js';

const addressKey = (address: string) => {
  const unwrapped = unwrapAddress(address.replace(/%.*$/, ''));
  return unwrapped && `${unwrapped.kind()}:${unwrapped.toByteArray().join('.')}`;
};

/** This host's own interface addresses, read at each check: interfaces come and go. */
export const hostAddresses = (): string[] =>
  Object.values(os.networkInterfaces())
    .flat()
    .map((a) => a!.address);

/**
 * Whether a webhook may connect to an address: global unicast (IPv4 forms inside IPv6 unwrapped) and
 * none of this host's own addresses, which may be public yet serve what only the host should reach.
 */
export function isAllowedTargetAddress(address: string, ownAddresses: string[] = hostAddresses()): boolean {
  if (!isGlobalUnicast(address)) return false;
  const key = addressKey(address);
  return !ownAddresses.some((own) => addressKey(own) === key);
}

/**
 * Thrown when a target is refused; the delivery does not retry it. The message names no resolved address
 * (a tenant must not map internal names through us); `refusedAddresses` keeps them for operators' logs.
 */
/** A refused webhook URL; `details.reason` says why: not_url, scheme, credentials, unresolved or private_address. */
export class WebhookTargetNotAllowed extends AppError {
  constructor(message: string, details: Record<string, unknown>, readonly refusedAddresses: string[] = []) {
    super(400, 'WEBHOOK_TARGET_NOT_ALLOWED', message, details);
  }
}

/** Every address `host` resolves to, checked; refuses when any may not be reached (unless private targets are allowed). */
export async function resolvePublicAddresses(host: string, allowPrivate: boolean): Promise<{ address: string; family: number }[]> {
  const bare = host.replace(/^\[(.*)\]$/, '$1');
  let addresses: { address: string; family: number }[];
  try {
    addresses = isIP(bare) ? [{ address: bare, family: isIP(bare) }] : await lookup(bare, { all: true, verbatim: true });
  } catch (err) {
    throw new WebhookTargetNotAllowed(`The webhook host '${host}' does not resolve (${(err as NodeJS.ErrnoException).code ?? 'lookup failed'}): check the URL.`, { host, reason: 'unresolved' });
  }
  if (allowPrivate) return addresses;
  const own = hostAddresses();
  const refused = addresses.filter((a) => !isAllowedTargetAddress(a.address, own));
  if (refused.length > 0) {
    throw new WebhookTargetNotAllowed(
      `The webhook host '${host}' resolves to an address webhooks may not reach (private, loopback, link-local, reserved for special use, or this server's own); webhooks only reach public addresses.`,
      { host, reason: 'private_address' },
      refused.map((a) => a.address),
    );
  }
  return addresses;
}

/** Checks a webhook URL: http or https, and a host that resolves to public addresses only. */
export async function checkWebhookTarget(url: string, allowPrivate: boolean): Promise<URL> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new WebhookTargetNotAllowed(`'${url}' is not a URL: give an absolute http(s) URL.`, { field: 'url', reason: 'not_url' });
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new WebhookTargetNotAllowed(`A webhook URL must use http or https, not ${parsed.protocol.slice(0, -1)}.`, { field: 'url', reason: 'scheme' });
  }
  if (parsed.username || parsed.password) throw new WebhookTargetNotAllowed('A webhook URL must not carry a user name or password.', { field: 'url', reason: 'credentials' });
  await resolvePublicAddresses(parsed.hostname, allowPrivate);
  return parsed;
}
