/** @jsxImportSource hono/jsx */
import { WEBHOOK_EVENT_TYPES } from '../../shared/events/index.js';
import type { listWebhooks } from '../../domain/webhooks/index.js';
import { canWrite, type WebContext } from '../context.js';
import { CsrfField, Layout } from '../layout.js';
import { EVENT_HELP, Moment, WebhookAreaNav } from './webhook-parts.js';
import { Pager } from '../pager.js';
import { SecretShownOnce } from '../secret-shown-once.js';
import { TableScroll } from '../table-scroll.js';

export type WebhookRow = Awaited<ReturnType<typeof listWebhooks>>['webhooks'][number];

/** The create form as typed, so a refused form comes back as it was sent (the secret too: it is the user's own). */
export interface WebhookFormInput {
  url: string;
  events: string[];
  secret: string;
}

export interface WebhooksView {
  webhooks: WebhookRow[];
  page: number;
  pageSize: number;
  total: number;
  /** The webhook publish on approval sends to, if any. */
  publishingWebhookId: number | null;
  notice?: string;
  error?: string;
  input?: WebhookFormInput;
}

/** A new webhook's signing secret, held for the one page that shows it. */
export interface CreatedWebhook {
  id: number;
  url: string;
  events: string[];
  secret: string;
}

function WebhookActions({ c, w }: { c: WebContext; w: WebhookRow }) {
  if (!canWrite(c)) return null;
  const t = c.get('t');
  return (
    <span class="actions">
      <form method="post" action={`/webhooks/${w.id}/test`} class="inline">
        <CsrfField token={c.get('session').csrfToken} />
        <button type="submit" aria-label={`${t('webhookSendTest')} ${w.url}`}>{t('webhookSendTest')}</button>
      </form>
      <a class="danger-link" href={`/webhooks/${w.id}/delete`} aria-label={`${t('webhookDelete')} ${w.url}`}>{t('webhookDelete')}</a>
    </span>
  );
}

function NewWebhookForm({ c, v }: { c: WebContext; v: WebhooksView }) {
  const t = c.get('t');
  const input = v.input ?? { url: '', events: [], secret: '' };
  return (
    <form method="post" action="/webhooks" class="card narrow" id="new-webhook" aria-labelledby="new-webhook-title">
      <h2 id="new-webhook-title">{t('webhookNew')}</h2>
      <CsrfField token={c.get('session').csrfToken} />
      {v.error && <p class="error" role="alert" id="webhook-error">{v.error}</p>}
      <label for="webhook-url">{t('webhookUrl')}</label>
      <input id="webhook-url" name="url" type="url" required maxlength={2048} value={input.url} aria-describedby="webhook-url-help" autocomplete="off" spellcheck={false} />
      <p id="webhook-url-help" class="help">{t('webhookUrlHelp')}</p>
      <fieldset>
        <legend>{t('webhookEventsLegend')}</legend>
        {WEBHOOK_EVENT_TYPES.map((e) => (
          <label class="check">
            <input type="checkbox" name="events[]" value={e} checked={input.events.includes(e)} /> <code>{e}</code>: {t(EVENT_HELP[e])}
          </label>
        ))}
      </fieldset>
      <label for="webhook-secret">{t('webhookSecret')}</label>
      <input id="webhook-secret" name="secret" maxlength={200} value={input.secret} aria-describedby="webhook-secret-help" autocomplete="off" spellcheck={false} />
      <p id="webhook-secret-help" class="help">{t('webhookSecretHelp')}</p>
      <button type="submit" id="create-webhook">{t('webhookCreate')}</button>
    </form>
  );
}

export function WebhooksPage({ c, v }: { c: WebContext; v: WebhooksView }) {
  const t = c.get('t');
  return (
    <Layout c={c} title={t('webhookList')}>
      <WebhookAreaNav c={c} />
      {v.notice && <p class="notice" role="status">{v.notice}</p>}
      <TableScroll label={t('webhookList')}>
        <table id="webhooks">
          <thead>
            <tr><th scope="col">{t('webhookUrl')}</th><th scope="col">{t('webhookEvents')}</th><th scope="col">{t('created')}</th><th scope="col"></th></tr>
          </thead>
          <tbody>
            {v.webhooks.length === 0 && <tr><td colspan={4}>{t('noRows')}</td></tr>}
            {v.webhooks.map((w) => (
              <tr data-webhook-id={w.id}>
                <td class="webhook-url">
                  <code>{w.url}</code>
                  {w.id === v.publishingWebhookId && <> <span class="state-badge active">{t('webhookPublishingTarget')}</span></>}
                </td>
                <td class="webhook-events">{w.events.map((e) => <code>{e}</code>)}</td>
                <td><Moment c={c} d={w.createdAt} /></td>
                <td><WebhookActions c={c} w={w} /></td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
      <Pager c={c} page={v.page} pageSize={v.pageSize} total={v.total} summary="none" href={(p) => `/webhooks?page=${p}`} />
      {canWrite(c) && <NewWebhookForm c={c} v={v} />}
    </Layout>
  );
}

/** The signing secret, once, with the webhook's URL and events. */
export function WebhookCreatedPage({ c, w }: { c: WebContext; w: CreatedWebhook }) {
  const t = c.get('t');
  return (
    <Layout c={c} title={t('webhookCreatedTitle')}>
      <SecretShownOnce c={c} warning={t('webhookSecretShownOnce')} label={t('webhookSecretLabel')} secret={w.secret}>
        <dl class="facts">
          <dt>{t('webhookUrl')}</dt><dd><code>{w.url}</code></dd>
          <dt>{t('webhookEvents')}</dt><dd>{w.events.join(', ')}</dd>
        </dl>
      </SecretShownOnce>
      <p><a href="/webhooks">{t('back')}</a></p>
    </Layout>
  );
}

/** Asks before deleting: the button posts, "keep it" goes back. Works without script. */
export function DeleteWebhookPage({ c, w }: { c: WebContext; w: WebhookRow }) {
  const t = c.get('t');
  return (
    <Layout c={c} title={t('webhookDeleteTitle', { id: w.id })}>
      <form method="post" action={`/webhooks/${w.id}/delete`} class="card narrow" id="delete-webhook">
        <CsrfField token={c.get('session').csrfToken} />
        <p>{t('webhookDeleteText', { url: w.url })}</p>
        <span class="actions">
          <button type="submit" class="danger">{t('webhookDeleteConfirm')}</button>
          <a href="/webhooks">{t('webhookKeep')}</a>
        </span>
      </form>
    </Layout>
  );
}
