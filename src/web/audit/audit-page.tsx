/** @jsxImportSource hono/jsx */
import type { listAuditPage } from '../../domain/accounts/index.js';
import { AUDIT_STATUS_CLASSES } from '../../domain/accounts/index.js';
import type { WebContext } from '../context.js';
import type { MessageKey } from '../i18n/index.js';
import { Layout } from '../layout.js';
import { RelativeTime } from '../relative-time.js';
import { TableScroll } from '../table-scroll.js';
import { AUDIT_METHODS, type AuditFormValues } from './audit-filter.js';

type AuditEventRow = Awaited<ReturnType<typeof listAuditPage>>['events'][number];

const STATUS_WORDS: Record<(typeof AUDIT_STATUS_CLASSES)[number], MessageKey> = { ok: 'auditStatusOk', client: 'auditStatusClient', server: 'auditStatusServer' };

export interface AuditView {
  values: AuditFormValues;
  events: AuditEventRow[];
  next: number | null;
  /** Whether this is a later page (a link back to the newest). */
  paged: boolean;
  error?: string;
  /** An operator's choice of accounts (null for anyone else: their own account only). */
  accounts: { id: number; name: string }[] | null;
}

const targets = (ids: Record<string, unknown>) =>
  Object.entries(ids)
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join(',') : String(v)}`)
    .join(' ');

function AuditFilters({ c, v }: { c: WebContext; v: AuditView }) {
  const t = c.get('t');
  const f = v.values;
  return (
    <form method="get" action="/audit" class="filters" id="audit-filters" role="search" aria-label={t('filter')}>
      {v.accounts && (
        <div>
          <label for="audit-account">{t('auditAccount')}</label>
          <select id="audit-account" name="account">
            <option value="">{`${c.get('session').accountId}`}</option>
            <option value="all" selected={f.account === 'all'}>{t('auditAllAccounts')}</option>
            {v.accounts.map((a) => <option value={String(a.id)} selected={f.account === String(a.id)}>{`${a.id} · ${a.name}`}</option>)}
          </select>
        </div>
      )}
      <div>
        <label for="audit-key">{t('auditKey')}</label>
        <input id="audit-key" name="key" value={f.key} size={14} autocomplete="off" />
      </div>
      <div>
        <label for="audit-route">{t('auditRoute')}</label>
        <input id="audit-route" name="route" value={f.route} size={22} placeholder="/api/distillations" />
      </div>
      <div>
        <label for="audit-method">{t('auditMethod')}</label>
        <select id="audit-method" name="method">
          <option value="">{t('auditAnyStatus')}</option>
          {AUDIT_METHODS.map((m) => <option value={m} selected={f.method === m}>{m}</option>)}
        </select>
      </div>
      <div>
        <label for="audit-status">{t('auditStatusClass')}</label>
        <select id="audit-status" name="status">
          <option value="">{t('auditAnyStatus')}</option>
          {AUDIT_STATUS_CLASSES.map((s) => <option value={s} selected={f.status === s}>{t(STATUS_WORDS[s])}</option>)}
        </select>
      </div>
      <div>
        <label for="audit-from">{t('auditFrom')}</label>
        <input id="audit-from" name="from" type="date" value={f.from} />
      </div>
      <div>
        <label for="audit-to">{t('auditTo')}</label>
        <input id="audit-to" name="to" type="date" value={f.to} />
      </div>
      <div class="filter-buttons">
        <button type="submit">{t('filter')}</button>
        <a href="/audit">{t('auditClear')}</a>
      </div>
    </form>
  );
}

/** The audit trail for admins: filters in the URL, newest first, a page at a time by keyset. */
export function AuditPage({ c, v }: { c: WebContext; v: AuditView }) {
  const t = c.get('t');
  const now = new Date();
  const query = (extra: Record<string, string>) => {
    const params = new URLSearchParams(Object.entries({ ...v.values, ...extra }).filter(([, x]) => x !== ''));
    return `/audit?${params}`;
  };
  return (
    <Layout c={c} title={t('auditTitle')}>
      <p class="help">{t('auditHelp')}</p>
      <AuditFilters c={c} v={v} />
      {v.error && <p class="error" role="alert" id="audit-error">{v.error}</p>}
      {!v.error && v.events.length === 0 && (
        <p class="empty" id="audit-empty">{t('auditEmpty')} <a href="/audit">{t('auditClear')}</a></p>
      )}
      {v.events.length > 0 && (
        <TableScroll label={t('auditTitle')}>
          <table id="audit">
            <thead>
              <tr>
                <th scope="col">{t('auditWhen')}</th><th scope="col">{t('auditAccount')}</th><th scope="col">{t('auditKey')}</th>
                <th scope="col">{t('auditRequest')}</th><th scope="col">{t('auditStatusClass')}</th><th scope="col">{t('auditTargets')}</th><th scope="col">{t('auditClient')}</th>
              </tr>
            </thead>
            <tbody>
              {v.events.map((e) => (
                <tr data-audit-id={e.id}>
                  <td><RelativeTime t={t} at={e.createdAt} now={now} zone={c.get('zone')} /></td>
                  <td class="audit-account">{e.accountId ?? ''}</td>
                  <td class="audit-key"><code>{e.keyPrefix ?? ''}</code></td>
                  <td class="audit-route"><code>{`${e.method} ${e.route ?? t('auditNoRoute')}`}</code></td>
                  <td class={`audit-status s-${String(e.status).slice(0, 1)}`}>{e.status}</td>
                  <td>{targets(e.targetIds)}</td>
                  <td>{e.clientIp ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
      {(v.next !== null || v.paged) && (
        <nav class="pager" aria-label={t('pagesNav')}>
          {v.paged && <a href={query({})} id="audit-newest">{t('auditNewest')}</a>}
          {v.next !== null && <a href={query({ before: String(v.next) })} rel="next" id="audit-older">{t('auditOlder')}</a>}
        </nav>
      )}
    </Layout>
  );
}
