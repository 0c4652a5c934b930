import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { AppError } from '../errors.js';

/** Loopback, private, link-local, unique-local, CGNAT, multicast and reserved ranges: never a webhook target. */
const blocked = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) blocked.addSubnet(net, bits, 'ipv4');
for (const [net, bits] of [['::', 128], ['::1', 128], ['fe80::', 10], ['fc00::', 7], ['ff00::', 8], ['64:ff9b::', 96], ['2001:db8::', 32]] as const) {
  blocked.addSubnet(net, bits, 'ipv6');
}

/** The IPv4 address inside an IPv4-mapped IPv6 one (`::ffff:127.0.0.1`, `::ffff:7f00:1`), else undefined. */
function mappedIpv4(address: string): string | undefined {
  const m = /^(?:0{0,4}:){0,5}:?ffff:(.+)$/i.exec(address);
  if (!m) return undefined;
  const tail = m[1]!;
  if (isIP(tail) === 4) return tail;
  const hex = /^([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(tail);
  if (!hex) return undefined;
  const [hi, lo] = [parseInt(hex[1]!, 16), parseInt(hex[2]!, 16)];
  return [hi >> 8, hi & 255, lo >> 8, lo & 255].join('.');
}

/** Whether an IP address is one a webhook must not reach (SSRF): loopback, private, link-local, unique-local. */
export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return blocked.check(address, 'ipv4');
  if (family !== 6) return true;
  const v4 = mappedIpv4(address);
  return v4 !== undefined ? blocked.check(v4, 'ipv4') : blocked.check(address, 'ipv6');
}

/** Thrown when a target is refused; the delivery does not retry it. */
export class WebhookTargetNotAllowed extends AppError {
  constructor(message: string, details: Record<string, unknown>) {
    super(400, 'WEBHOOK_TARGET_NOT_ALLOWED', message, details);
  }
}

/** Every address `host` resolves to, checked; refuses when any is private (unless allowed). */
export async function resolvePublicAddresses(host: string, allowPrivate: boolean): Promise<{ address: string; family: number }[]> {
  const bare = host.replace(/^\[(.*)\]$/, '$1');
  let addresses: { address: string; family: number }[];
  try {
    addresses = isIP(bare) ? [{ address: bare, family: isIP(bare) }] : await lookup(bare, { all: true, verbatim: true });
  } catch (err) {
    throw new WebhookTargetNotAllowed(`The webhook host '${host}' does not resolve (${(err as NodeJS.ErrnoException).code ?? 'lookup failed'}): check the URL.`, { host });
  }
  const refused = addresses.filter((a) => isPrivateAddress(a.address));
  if (!allowPrivate && refused.length > 0) {
    throw new WebhookTargetNotAllowed(
      `The webhook host '${host}' resolves to a private, loopback or link-local address (${refused.map((a) => a.address).join(', ')}); webhooks only reach public addresses.`,
      { host, addresses: refused.map((a) => a.address) },
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
    throw new WebhookTargetNotAllowed(`'${url}' is not a URL: give an absolute http(s) URL.`, { field: 'url' });
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new WebhookTargetNotAllowed(`A webhook URL must use http or https, not ${parsed.protocol.slice(0, -1)}.`, { field: 'url' });
  }
  if (parsed.username || parsed.password) throw new WebhookTargetNotAllowed('A webhook URL must not carry a user name or password.', { field: 'url' });
  await resolvePublicAddresses(parsed.hostname, allowPrivate);
  return parsed;
}
