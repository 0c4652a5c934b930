import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

/** IANA's global unicast IPv6 space; ipaddr.js's catch-all 'unicast' also covers unassigned space outside it. */
const GLOBAL_UNICAST_V6 = ipaddr.IPv6.parseCIDR('2000::/3');
const NAT64_WELL_KNOWN = ipaddr.IPv6.parseCIDR('64:ff9b::/96');

const ipv4Of = (hi: number, lo: number) => new ipaddr.IPv4([hi >> 8, hi & 255, lo >> 8, lo & 255]);

/**
 * The IPv4 address an IPv6 form carries and ends up reaching: IPv4-compatible (`::a.b.c.d`), IPv4-mapped
 * (`::ffff:a.b.c.d`), IPv4-translated (`::ffff:0:a.b.c.d`), well-known NAT64 (`64:ff9b::a.b.c.d`) and
 * 6to4 (`2002:AABB:CCDD::/48`). Local-use NAT64 and Teredo are refused by their range, not unwrapped.
 */
export function embeddedIpv4(v6: ipaddr.IPv6): ipaddr.IPv4 | undefined {
  const p = v6.parts;
  const zeros = (n: number) => p.slice(0, n).every((x) => x === 0);
  if (zeros(5) && (p[5] === 0 || p[5] === 0xffff)) return ipv4Of(p[6]!, p[7]!);
  if (zeros(4) && p[4] === 0xffff && p[5] === 0) return ipv4Of(p[6]!, p[7]!);
  if (v6.match(NAT64_WELL_KNOWN)) return ipv4Of(p[6]!, p[7]!);
  if (p[0] === 0x2002) return ipv4Of(p[1]!, p[2]!);
  return undefined;
}

/** The address as ipaddr.js parses it, with an IPv6 form's embedded IPv4 unwrapped; undefined when it is no IP. */
export function unwrapAddress(address: string): ipaddr.IPv4 | ipaddr.IPv6 | undefined {
  if (!isIP(address) || !ipaddr.isValid(address)) return undefined;
  const parsed = ipaddr.parse(address);
  return parsed instanceof ipaddr.IPv6 ? (embeddedIpv4(parsed) ?? parsed) : parsed;
}

/**
 * Whether an address is global unicast as ipaddr.js classifies it (range 'unicast'; IPv6 also within
 * 2000::/3), after unwrapping an embedded IPv4: loopback, private, link-local, CGNAT, documentation,
 * benchmarking, 6to4 relay, site-local, discard, Teredo, multicast and reserved ranges are not.
 *
 * @example isGlobalUnicast('8.8.8.8') // true
 * @example isGlobalUnicast('2002:7f00:1::1') // false: 6to4 of 127.0.0.1
 */
export function isGlobalUnicast(address: string): boolean {
  const unwrapped = unwrapAddress(address);
  if (!unwrapped || unwrapped.range() !== 'unicast') return false;
  return unwrapped instanceof ipaddr.IPv4 || unwrapped.match(GLOBAL_UNICAST_V6);
}
