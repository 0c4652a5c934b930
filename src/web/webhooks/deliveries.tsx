/** @jsxImportSource hono/jsx */
import { WEBHOOK_DELIVERY_STATUSES, type WebhookDeliveryStatus } from '../../db/schema.js';
import type { listDeliveries } from '../../domain/webhooks/index.js';
import { canWrite, type WebContext } from '../context.js';
import type { MessageKey } from '../i18n/index.js';
import { CsrfField, Layout } from '../layout.js';
import { Moment, atSecond, WebhookAreaNav } from './webhook-parts.js';
import type { WebhookRow } from './webhooks.js';
import { Pager } from '../pager.js';
import { TableScroll } from '../table-scroll.js';

type DeliveryPage = Awaited<ReturnType<typeof listDeliveries>>;
type Delivery = DeliveryPage['deliveries'][number];

export interface DeliveryFilterInput {
  webhookId?: number | undefined;
  status?: WebhookDeliveryStatus | undefined;
}

export interface DeliveriesView {
  log: DeliveryPage;
  filter: DeliveryFilterInput;
  /** The live webhooks, for the filter and to name each delivery's target. */
  webhooks: WebhookRow[];
  notice?: string;
  error?: string;
}

export const STATUS_KEYS: Record<WebhookDeliveryStatus, MessageKey> = {
  pending: 'deliveryStatusPending',
  succeeded: 'deliveryStatusSucceeded',
  failed: 'deliveryStatusFailed',
  skipped: 'deliveryStatusSkipped',
};

/** The log's URL with this filter and page: paging keeps the filter. */
export function deliveriesHref(filter: DeliveryFilterInput, page = 1) {
  const q = new URLSearchParams();
  if (filter.webhookId !== undefined) q.set('webhookId', String(filter.webhookId));
  if (filter.status !== undefined) q.set('status', filter.status);
  if (page > 1) q.set('page', String(page));
  const s = q.toString();
  return s ? `/webhooks/deliveries?${s}` : '/webhooks/deliveries';
}

function Filters({ c, v }: { c: WebContext; v: DeliveriesView }) {
  const t = c.get('t');
  return (
    <form method="get" action="/webhooks/deliveries" class="filters" id="delivery-filters">
      <label for="filter-webhook">{t('deliveryWebhook')}</label>
      <select id="filter-webhook" name="webhookId">
        <option value="">{t('deliveryAllWebhooks')}</option>
        {v.webhooks.map((w) => <option value={String(w.id)} selected={v.filter.webhookId === w.id}>{w.url}</option>)}
      </select>
      <label for="filter-status">{t('status')}</label>
      <select id="filter-status" name="status">
        <option value="">{t('allStatuses')}</option>
        {WEBHOOK_DELIVERY_STATUSES.map((s) => <option value={s} selected={v.filter.status === s}>{t(STATUS_KEYS[s])}</option>)}
      </select>
      <span class="filter-buttons"><button type="submit">{t('filter')}</button></span>
    </form>
  );
}

function Attempts({ c, d }: { c: WebContext; d: Delivery }) {
  const t = c.get('t');
  if (d.attempts.length === 0) return <td class="delivery-attempts">{t('deliveryNoAttempts')}</td>;
  return (
    <td class="delivery-attempts">
      {/* Numbered by position: the stored attempt number starts again at 1 on each redelivery. */}
      <ol class="attempts">
        {d.attempts.map((a) => (
          <li data-attempt={a.attempt} data-attempt-status={a.status}>
            {t('deliveryAttemptLine', {
              status: t(STATUS_KEYS[a.status]),
              code: a.responseStatus === null ? t('deliveryNoResponse') : `HTTP ${a.responseStatus}`,
              ms: a.durationMs,
            })}{' '}
            <span class="help">{atSecond(c, a.createdAt)}</span>
            {a.error && <div class="error">{a.error}</div>}
          </li>
        ))}
      </ol>
    </td>
  );
}

function DeliveryRow({ c, d, urls }: { c: WebContext; d: Delivery; urls: Map<number, string> }) {
  const t = c.get('t');
  return (
    <tr data-delivery-id={d.id} data-status={d.status} data-event={d.eventType}>
      <td>{d.id}</td>
      <td><code>{d.eventType}</code></td>
      <td class="delivery-webhook">{urls.get(d.webhookId) ?? t('webhookId', { id: d.webhookId })}</td>
      <td class="delivery-status">
        <span class={`state-badge ${d.status}`}>{t(STATUS_KEYS[d.status])}</span>
        {d.notBefore && (
          <div><time class="due-at" datetime={d.notBefore.toISOString()}>{t(d.status === 'pending' ? 'deliveryDueAt' : 'deliverySlot', { at: atSecond(c, d.notBefore) })}</time></div>
        )}
        {d.completedAt && <div class="help">{t('deliveryFinishedAt', { at: atSecond(c, d.completedAt) })}</div>}
        {d.lastError && <div class="error last-error">{d.lastError}</div>}
      </td>
      <Attempts c={c} d={d} />
      <td><Moment c={c} d={d.createdAt} /></td>
      <td>
        {canWrite(c) && d.status !== 'pending' && (
          <form method="post" action={`/webhooks/deliveries/${d.id}/redeliver`} class="inline">
            <CsrfField token={c.get('session').csrfToken} />
            <button type="submit" aria-label={`${t('deliveryRedeliver')} ${d.id}`}>{t('deliveryRedeliver')}</button>
          </form>
        )}
      </td>
    </tr>
  );
}

export function DeliveriesPage({ c, v }: { c: WebContext; v: DeliveriesView }) {
  const t = c.get('t');
  const { log } = v;
  const urls = new Map(v.webhooks.map((w) => [w.id, w.url]));
  return (
    <Layout c={c} title={t('deliveriesTitle')}>
      <WebhookAreaNav c={c} />
      {v.notice && <p class="notice" role="status">{v.notice}</p>}
      {v.error && <p class="error" role="alert" id="delivery-error">{v.error}</p>}
      <Filters c={c} v={v} />
      <p class="help">
        {t('deliveryTotal', { n: log.total })} · <a href={deliveriesHref(v.filter, log.page)} id="refresh-deliveries">{t('deliveryRefresh')}</a>
      </p>
      <TableScroll label={t('deliveriesTitle')}>
        <table id="deliveries">
          <thead>
            <tr>
              <th scope="col">#</th><th scope="col">{t('deliveryEvent')}</th><th scope="col">{t('deliveryWebhook')}</th><th scope="col">{t('status')}</th>
              <th scope="col">{t('deliveryAttempts')}</th><th scope="col">{t('created')}</th><th scope="col"></th>
            </tr>
          </thead>
          <tbody>
            {log.deliveries.length === 0 && <tr><td colspan={7}>{t('noRows')}</td></tr>}
            {log.deliveries.map((d) => <DeliveryRow c={c} d={d} urls={urls} />)}
          </tbody>
        </table>
      </TableScroll>
      <Pager c={c} page={log.page} pageSize={log.pageSize} total={log.total} summary="none" href={(p) => deliveriesHref(v.filter, p)} />
    </Layout>
  );
}
