/** @jsxImportSource hono/jsx */
import type { SubscribableWebhookEventType } from '../../shared/events/index.js';
import type { WebContext } from '../context.js';
import type { MessageKey } from '../i18n/index.js';
import { pageTime, Time } from '../time.js';

/** What each event means, beside its checkbox and in the list. */
export const EVENT_HELP: Record<SubscribableWebhookEventType, MessageKey> = {
  'task.paused': 'eventTaskPaused',
  'task.resumed': 'eventTaskResumed',
  'task.completed': 'eventTaskCompleted',
  'task.failed': 'eventTaskFailed',
  'task.canceled': 'eventTaskCanceled',
  'task.timeout': 'eventTaskTimeout',
  'article.approved': 'eventArticleApproved',
  'article.saved': 'eventArticleSaved',
  'review.needed': 'eventReviewNeeded',
  'distillation.run.completed': 'eventDistillationRunCompleted',
  'distillation.run.failed': 'eventDistillationRunFailed',
  'distillation.run.canceled': 'eventDistillationRunCanceled',
};

/** A moment to the second, in the reader's zone: publication slots can be seconds apart. */
export const atSecond = (c: WebContext, d: Date) => pageTime(c, d, 'second');

export function Moment({ c, d }: { c: WebContext; d: Date }) {
  return <Time c={c} at={d} precision="second" />;
}

/** The three webhook pages, linked from each. */
export function WebhookAreaNav({ c }: { c: WebContext }) {
  const t = c.get('t');
  const here = c.req.path;
  const link = (href: string, label: string) => <a href={href} aria-current={here === href ? 'page' : undefined}>{label}</a>;
  return (
    <nav aria-label={t('webhooksAreaNav')} class="links area-nav">
      {link('/webhooks', t('webhookList'))}
      {link('/webhooks/deliveries', t('deliveriesNav'))}
      {link('/webhooks/publishing', t('publishingNav'))}
    </nav>
  );
}
