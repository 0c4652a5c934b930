import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseAuditForm, type AuditFormValues } from '../../src/web/audit/audit-filter.js';
import { niceCeiling } from '../../src/web/dashboard/bar-chart.js';
import { formatCost } from '../../src/web/dashboard/dashboard-page.js';
import { translator } from '../../src/web/i18n/index.js';
import { currentEntry, NAV_GROUPS, visibleNav } from '../../src/web/nav/nav-entries.js';
import { relativeWords } from '../../src/web/relative-time.js';
import { windowStart } from '../../src/domain/dashboard/index.js';

const en = translator('en');
const zh = translator('zh');
const blank: AuditFormValues = { account: '', key: '', route: '', method: '', status: '', from: '', to: '' };

describe('the navigation list', () => {
  it('marks the deepest entry a path is in, and nothing for a page outside it', () => {
    const groups = visibleNav('operator');
    expect(currentEntry(groups, '/tasks/12')).toBe('/tasks');
    expect(currentEntry(groups, '/tasks/new')).toBe('/tasks/new');
    expect(currentEntry(groups, '/articles/queue')).toBe('/articles/queue');
    expect(currentEntry(groups, '/articles/7/edit')).toBe('/articles');
    expect(currentEntry(groups, '/tasksx')).toBeUndefined();
    expect(currentEntry(groups, '/materials')).toBeUndefined();
  });

  it('shows a key only what its scope may use, and no entry whose page has not landed', () => {
    const hrefs = (scope: Parameters<typeof visibleNav>[0]) => visibleNav(scope).flatMap((g) => g.entries.map((e) => e.href));
    expect(hrefs('read')).not.toContain('/tasks/new');
    expect(hrefs('write')).toContain('/tasks/new');
    expect(hrefs('write')).not.toContain('/audit');
    expect(hrefs('admin')).toContain('/audit');
    expect(hrefs('admin')).not.toContain('/admin/accounts');
    expect(hrefs('operator')).toContain('/admin/accounts');
    // The model registry is the service's: operators only.
    for (const scope of ['read', 'write', 'admin'] as const) expect(hrefs(scope)).not.toContain('/models');
    expect(hrefs('operator')).toContain('/models');
    for (const scope of ['read', 'write', 'admin', 'operator'] as const) expect(hrefs(scope)).toContain('/costs');
    // No entry waits for its page any more; an entry marked landed: false would be hidden.
    expect(NAV_GROUPS.flatMap((g) => g.entries).filter((e) => e.landed === false)).toEqual([]);
    // Every href appears once in the list.
    const all = NAV_GROUPS.flatMap((g) => g.entries.map((e) => e.href));
    expect(new Set(all).size).toBe(all.length);
  });
});

describe('relative times', () => {
  const now = new Date('2026-12-07T12:00:00Z');
  it('says minutes, hours, then days, in both languages', () => {
    expect(relativeWords(en, new Date('2026-12-07T11:59:40Z'), now)).toBe('just now');
    expect(relativeWords(en, new Date('2026-12-07T11:57:00Z'), now)).toBe('3 min ago');
    expect(relativeWords(zh, new Date('2026-12-07T09:00:00Z'), now)).toBe('3 小时前');
    expect(relativeWords(en, new Date('2026-12-04T12:00:00Z'), now)).toBe('3 days ago');
    expect(relativeWords(en, new Date('2026-12-07T12:05:00Z'), now)).toBe('in 5 min');
  });
});

describe('the dashboard\'s numbers', () => {
  it('puts an axis top at 1, 2 or 5 times a power of ten, at or above the largest value', () => {
    fc.assert(
      fc.property(fc.double({ min: 0.001, max: 1e12, noNaN: true }), (n) => {
        const top = niceCeiling(n);
        expect(top).toBeGreaterThanOrEqual(n);
        expect(top).toBeLessThanOrEqual(n * 5 + 1e-9);
        const mantissa = top / 10 ** Math.floor(Math.log10(top) + 1e-9);
        expect([1, 2, 5, 10].some((m) => Math.abs(mantissa - m) < 1e-6)).toBe(true);
      }),
      { numRuns: 200 },
    );
    expect(niceCeiling(0)).toBe(1);
  });

  it('writes a cost in pico-units as an amount, and starts the 14-day window at midnight UTC', () => {
    expect(formatCost(2_500_000_000_000n)).toBe('2.5');
    expect(formatCost(0n)).toBe('0');
    expect(formatCost(123_456_789n)).toBe('0.0001');
    expect(windowStart(new Date('2026-12-07T23:59:00Z')).toISOString()).toBe('2026-11-24T00:00:00.000Z');
  });
});

describe('the audit page\'s filters', () => {
  const who = { accountId: 7, operator: false };
  it('reads days as UTC with the last one included, and lets only an operator name another account', () => {
    const r = parseAuditForm({ ...blank, from: '2026-01-30', to: '2026-01-31', status: 'client', method: 'POST', route: '/api/x' }, undefined, who, en);
    expect(r).toEqual({ ok: true, filter: { accountId: 7, from: new Date('2026-01-30T00:00:00Z'), to: new Date('2026-02-01T00:00:00Z'), status: 'client', method: 'POST', route: '/api/x' } });
    expect(parseAuditForm({ ...blank, account: 'all' }, undefined, who, en)).toEqual({ ok: true, filter: { accountId: 7 } });
    expect(parseAuditForm({ ...blank, account: 'all' }, '42', { accountId: 7, operator: true }, en)).toEqual({ ok: true, filter: { accountId: 'all' }, before: 42 });
  });

  it('takes any key prefix a key can have: base64url letters, - and _ included', () => {
    for (const key of ['ak_a-b_C', 'ak_-_-_-', 'ak_Zz09x']) expect(parseAuditForm({ ...blank, key }, undefined, who, en)).toEqual({ ok: true, filter: { accountId: 7, keyPrefix: key } });
  });

  it('refuses what cannot be a filter, in the page\'s words', () => {
    expect(parseAuditForm({ ...blank, from: '2026-02-31' }, undefined, who, zh)).toEqual({ ok: false, error: '筛选条件无效：起始日（UTC）必须是日期，例如 2026-01-31。' });
    expect(parseAuditForm({ ...blank, status: 'teapot' }, undefined, who, en).ok).toBe(false);
    expect(parseAuditForm({ ...blank, route: 'api' }, undefined, who, en).ok).toBe(false);
    expect(parseAuditForm({ ...blank, key: 'ak_ x' }, undefined, who, en).ok).toBe(false);
    expect(parseAuditForm({ ...blank, account: '-1' }, undefined, { accountId: 7, operator: true }, en).ok).toBe(false);
    expect(parseAuditForm(blank, '1e9', who, en).ok).toBe(false);
  });
});
