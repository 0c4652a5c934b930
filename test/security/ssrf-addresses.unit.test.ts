import { describe, expect, it } from 'vitest';
import { hostAddresses, isAllowedTargetAddress, isGlobalUnicast } from '../../src/domain/webhooks/index.js';
import { ownAddresses, refusedTargets } from '../support/ssrf-targets.js';

/** Which addresses a webhook may reach (issue 15); ssrf.test.ts holds the same guard on the real stack. */
describe('the address classification', () => {
  it('refuses every special-purpose address, IPv4 forms inside IPv6 unwrapped', () => {
    const refused = [
      ...refusedTargets.map((url) => new URL(url).hostname.replace(/^\[(.*)\]$/, '$1')),
      '0.0.0.0', '127.0.0.1', '10.0.0.1', '100.64.0.1', '169.254.169.254', '192.0.0.8', '198.18.0.1', '224.0.0.1', '240.0.0.1', '255.255.255.255',
      '::', '::1', 'fe80::1', 'fd00::1', 'ff02::1', '::7f00:1', '::ffff:0:a00:1', '64:ff9b::a9fe:a9fe', '2002:a9fe:a9fe::1', '2001:2::1', '3fff::1', '4000::1',
    ];
    expect(refused.filter((a) => isGlobalUnicast(a))).toEqual([]);
    const allowed = ['8.8.8.8', '93.184.215.14', '2606:4700:4700::1111', '::ffff:8.8.8.8', '64:ff9b::808:808', '2002:808:808::1'];
    expect(allowed.filter((a) => !isGlobalUnicast(a))).toEqual([]);
  });

  it("refuses the host's own addresses even when they are global unicast, in any form that unwraps to them", () => {
    const own = ['127.0.0.1', '::1', '8.8.4.4', '2a00:1450:4001::1'];
    expect(['8.8.4.4', '::ffff:8.8.4.4', '64:ff9b::808:404', '2a00:1450:4001:0::1'].filter((a) => isAllowedTargetAddress(a, own))).toEqual([]);
    expect(isAllowedTargetAddress('8.8.8.8', own)).toBe(true);
    expect(hostAddresses()).toEqual(expect.arrayContaining(ownAddresses()));
  });
});
