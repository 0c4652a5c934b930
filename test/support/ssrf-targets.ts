import os from 'node:os';

/** This machine's own addresses a URL can name (not loopback; link-local ones need a zone, which URLs cannot carry). */
export const ownAddresses = () =>
  Object.values(os.networkInterfaces())
    .flat()
    .filter((a) => a !== undefined && !a.internal && !a.address.toLowerCase().startsWith('fe80:'))
    .map((a) => a!.address);
export const hostOf = (address: string) => (address.includes(':') ? `[${address}]` : address);

/** Every form the issue found accepted, each naming loopback, a special-purpose range or this host. */
export const refusedTargets = [
  'http://192.0.2.1/x', // documentation (TEST-NET-1)
  'http://198.51.100.7/x', // documentation (TEST-NET-2)
  'http://203.0.113.9/x', // documentation (TEST-NET-3)
  'http://192.88.99.1/x', // 6to4 relay anycast (deprecated)
  'http://[::ffff:0:7f00:1]/x', // IPv4-translated loopback
  'http://[::127.0.0.1]/x', // IPv4-compatible loopback
  'http://[64:ff9b:1::7f00:1]/x', // local-use NAT64
  'http://[64:ff9b::7f00:1]/x', // well-known NAT64 of loopback
  'http://[2002:7f00:1::1]/x', // 6to4 of loopback
  'http://[2002:c0a8:101::1]/x', // 6to4 of 192.168.1.1
  'http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/x', // Teredo
  'http://[fec0::1]/x', // site-local (deprecated)
  'http://[100::1]/x', // discard-only
  'http://[2001:db8::1]/x', // documentation
  'http://[::ffff:192.0.2.1]/x', // IPv4-mapped documentation
];
