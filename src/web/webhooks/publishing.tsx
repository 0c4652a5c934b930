/** @jsxImportSource hono/jsx */
import { MAX_PUBLISHING_INTERVAL_MINUTES, type getPublishing } from '../../domain/webhooks/index.js';
import { canWrite, type WebContext } from '../context.js';
import { CsrfField, Layout } from '../layout.js';
import { Moment, WebhookAreaNav } from './webhook-parts.js';
import type { WebhookRow } from './webhooks.js';

type Publishing = Awaited<ReturnType<typeof getPublishing>>['publishing'];

/** The form as typed, so a refused form comes back as it was sent. */
export interface PublishingFormInput {
  webhookId: string;
  intervalMinutes: string;
}

export interface PublishingView {
  publishing: Publishing;
  webhooks: WebhookRow[];
  input?: PublishingFormInput;
  notice?: string;
  error?: string;
}

function Current({ c, p }: { c: WebContext; p: Publishing }) {
  const t = c.get('t');
  if (!p) return <p class="note" id="publishing-state" data-state="off">{t('publishingIsOff')}</p>;
  return (
    <section class="card" id="publishing-state" data-state="on" aria-labelledby="publishing-to">
      <h2 id="publishing-to">{t('publishingTo', { url: p.url })}</h2>
      <p>{p.intervalMinutes === 0 ? t('publishingAsApproved') : t('publishingEvery', { n: p.intervalMinutes })}</p>
      <dl class="facts">
        <dt>{t('publishingLastSlot')}</dt>
        <dd id="last-slot">{p.lastSlotAt ? <Moment c={c} d={p.lastSlotAt} /> : t('publishingNoSlotYet')}</dd>
        <dt>{t('publishingNextSlot')}</dt>
        <dd id="next-slot"><Moment c={c} d={p.nextSlotAt} /></dd>
      </dl>
    </section>
  );
}

function PublishingForm({ c, v }: { c: WebContext; v: PublishingView }) {
  const t = c.get('t');
  const input = v.input ?? { webhookId: String(v.publishing?.webhookId ?? ''), intervalMinutes: String(v.publishing?.intervalMinutes ?? 0) };
  return (
    <form method="post" action="/webhooks/publishing" class="card narrow" id="publishing-form">
      <CsrfField token={c.get('session').csrfToken} />
      {v.error && <p class="error" role="alert" id="publishing-error">{v.error}</p>}
      <label for="publishing-webhook">{t('publishingWebhook')}</label>
      <select id="publishing-webhook" name="webhookId" required>
        {v.webhooks.map((w) => <option value={String(w.id)} selected={input.webhookId === String(w.id)}>{w.url}</option>)}
      </select>
      <label for="publishing-interval">{t('publishingInterval', { max: MAX_PUBLISHING_INTERVAL_MINUTES })}</label>
      <input
        id="publishing-interval"
        name="intervalMinutes"
        type="number"
        min={0}
        max={MAX_PUBLISHING_INTERVAL_MINUTES}
        step={1}
        inputmode="numeric"
        required
        value={input.intervalMinutes}
        aria-describedby="publishing-interval-help"
      />
      <p id="publishing-interval-help" class="help">{t('publishingIntervalHelp')}</p>
      <button type="submit" id="save-publishing">{t('publishingSave')}</button>
    </form>
  );
}

/** Publish on approval: its state and slots for everyone, the form and the off switch for a write key. */
export function PublishingPage({ c, v }: { c: WebContext; v: PublishingView }) {
  const t = c.get('t');
  return (
    <Layout c={c} title={t('publishingNav')}>
      <WebhookAreaNav c={c} />
      {v.notice && <p class="notice" role="status">{v.notice}</p>}
      <p class="help">{t('publishingIntro')}</p>
      <Current c={c} p={v.publishing} />
      {canWrite(c) && (v.webhooks.length === 0 ? <p class="note">{t('publishingNeedsWebhook')} <a href="/webhooks">{t('webhookNew')}</a></p> : <PublishingForm c={c} v={v} />)}
      {canWrite(c) && v.publishing && (
        <form method="post" action="/webhooks/publishing/off" class="card narrow" id="publishing-off">
          <CsrfField token={c.get('session').csrfToken} />
          <p class="help">{t('publishingTurnOffHelp')}</p>
          <button type="submit" class="danger">{t('publishingTurnOff')}</button>
        </form>
      )}
    </Layout>
  );
}
