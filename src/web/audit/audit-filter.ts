import { AUDIT_STATUS_CLASSES, type AuditFilter, type AuditStatusClass } from '../../domain/accounts/index.js';
import type { Translate } from '../i18n/index.js';

export const AUDIT_METHODS = ['POST', 'PUT', 'PATCH', 'DELETE', 'GET'] as const;
const DAY = /^\d{4}-\d{2}-\d{2}$/;
/** A key prefix as stored: `ak_` and base64url letters (- and _ included). */
const KEY_PREFIX = /^[A-Za-z0-9_-]{1,40}$/;
const MAX_ROUTE = 200;

/** The audit page's query as typed, to put back in the form. */
export interface AuditFormValues {
  account: string;
  key: string;
  route: string;
  method: string;
  status: string;
  from: string;
  to: string;
}

export type AuditFormResult = { ok: true; filter: AuditFilter; before?: number } | { ok: false; error: string };

function day(value: string): Date | null {
  if (!DAY.test(value)) return null;
  const d = new Date(`${value}T00:00:00Z`);
  return Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== value ? null : d;
}

/**
 * The audit page's filters from its query: an operator may name any account or `all`, anyone else sees their
 * own; `to` is a day included in the range. A value that cannot be a filter is an error in the page's words.
 */
export function parseAuditForm(v: AuditFormValues, before: string | undefined, who: { accountId: number; operator: boolean }, t: Translate): AuditFormResult {
  const filter: AuditFilter = { accountId: who.accountId };
  const bad = (reason: string): AuditFormResult => ({ ok: false, error: t('auditBadFilter', { reason }) });
  if (who.operator && v.account !== '') {
    if (v.account === 'all') filter.accountId = 'all';
    else if (/^\d{1,9}$/.test(v.account) && Number(v.account) > 0) filter.accountId = Number(v.account);
    else return bad(t('auditBadAccount'));
  }
  if (v.key !== '') {
    if (!KEY_PREFIX.test(v.key)) return bad(t('auditKey'));
    filter.keyPrefix = v.key;
  }
  if (v.route !== '') {
    if (!v.route.startsWith('/') || v.route.length > MAX_ROUTE) return bad(t('auditRoute'));
    filter.route = v.route;
  }
  if (v.method !== '') {
    if (!(AUDIT_METHODS as readonly string[]).includes(v.method)) return bad(t('auditMethod'));
    filter.method = v.method;
  }
  if (v.status !== '') {
    if (!(AUDIT_STATUS_CLASSES as readonly string[]).includes(v.status)) return bad(t('auditStatusClass'));
    filter.status = v.status as AuditStatusClass;
  }
  for (const [field, label] of [['from', 'auditFrom'], ['to', 'auditTo']] as const) {
    if (v[field] === '') continue;
    const d = day(v[field]);
    if (!d) return bad(t('auditBadDay', { field: t(label) }));
    filter[field] = field === 'to' ? new Date(d.getTime() + 86_400_000) : d;
  }
  if (before !== undefined && before !== '') {
    if (!/^\d{1,15}$/.test(before)) return bad('before');
    return { ok: true, filter, before: Number(before) };
  }
  return { ok: true, filter };
}
