/** @jsxImportSource hono/jsx */
import type { NotificationSettings } from '../../domain/tasks/notification-settings.js';
import type { listNotifications, Notification } from '../../domain/tasks/task-event-queries.js';
import type { NotificationType } from '../../shared/events/index.js';
import { canWrite, type WebContext } from '../context.js';
import type { MessageKey, Translate } from '../i18n/index.js';
import { CsrfField, Layout } from '../layout.js';
import { Pager } from '../pager.js';
import { TableScroll } from '../table-scroll.js';
import { Time, ZoneNote } from '../time.js';

export interface NotificationsView {
  list: Awaited<ReturnType<typeof listNotifications>>;
  unreadOnly: boolean;
  settings: NotificationSettings;
  notice?: string;
}


/** A label for every notification type of the event vocabulary (the compiler says when one is missing). */
const EVENT_LABELS: Record<NotificationType, MessageKey> = {
  'task.started': 'evStarted',
  'task.progress': 'evProgress',
  'task.paused': 'evPaused',
  'task.completed': 'evCompleted',
  'task.failed': 'evFailed',
  'task.canceled': 'evCanceled',
  'task.timeout': 'evTimeout',
  'review.needed': 'evReviewNeeded',
  'distillation.finished': 'evDistillationFinished',
};

const RUN_STATUS: Record<string, MessageKey> = { completed: 'evCompleted', failed: 'evFailed', canceled: 'evCanceled' };

/** The event's numbers in the page's language (the API's `title` is English only). */
function detail(t: Translate, n: Notification) {
  const d = n.data;
  const num = (v: unknown) => (typeof v === 'number' ? v : 0);
  const counts = { generated: num(d.generatedCount), requested: num(d.requestedCount), failed: num(d.failedCount), skipped: num(d.skippedCount) };
  const notWritten = counts.failed + counts.skipped > 0 ? ` (${t('ntfNotWritten', counts)})` : '';
  switch (n.type) {
    case 'distillation.finished': {
      const run = { status: t(RUN_STATUS[String(d.status)] ?? 'evCompleted'), done: num(d.doneCount), keywords: num(d.keywordCount), failed: num(d.failedCount), canceled: num(d.canceledCount) };
      return `${t('ntfRunFinished', run)}; ${t('ntfRunQuestions', { added: num(d.questionsAdded), pending: num(d.questionsPendingReview) })}`;
    }
    case 'task.started':
      return t('ntfStarted', counts);
    case 'task.progress':
      return t('ntfProgress', { ...counts, progress: num(d.progress ?? d.milestone) }) + notWritten;
    case 'review.needed':
      return t('ntfReview', { n: num(d.pendingReview) });
    default:
      return t('ntfFinished', counts) + notWritten;
  }
}

/** Keeps the page and the filter across a mark-read post. */
export const listQuery = (page: number, unreadOnly: boolean) =>
  new URLSearchParams({ ...(unreadOnly ? { unread: 'true' } : {}), ...(page > 1 ? { page: String(page) } : {}) }).toString();

function MarkRead({ c, n, v }: { c: WebContext; n: Notification; v: NotificationsView }) {
  const t = c.get('t');
  if (n.readAt !== null || !canWrite(c)) return null;
  const query = listQuery(v.list.page, v.unreadOnly);
  return (
    <span class="actions">
      <form method="post" action={`/notifications/${n.id}/read${query ? `?${query}` : ''}`} class="inline">
        <CsrfField token={c.get('session').csrfToken} />
        <button type="submit" aria-label={`${t('markRead')} ${n.id}`}>{t('markRead')}</button>
      </form>
    </span>
  );
}

export function NotificationsPage({ c, v }: { c: WebContext; v: NotificationsView }) {
  const t = c.get('t');
  const { list } = v;
  return (
    <Layout c={c} title={t('notifications')}>
      {v.notice && <p class="notice" role="status">{v.notice}</p>}
      <p id="unread-total" class="stat">{t('unreadTotal', { n: list.unreadCount })}</p>
      <div class="inline actions">
        <a href={v.unreadOnly ? '/notifications' : '/notifications?unread=true'}>{v.unreadOnly ? t('allNotifications') : t('unreadOnly')}</a>
        {canWrite(c) && list.unreadCount > 0 && (
          <form method="post" action="/notifications/read-all" class="inline">
            <CsrfField token={c.get('session').csrfToken} />
            <button type="submit">{t('markAllRead')}</button>
          </form>
        )}
      </div>
      {!canWrite(c) && <p class="help">{t('readOnlyNotifications')}</p>}
      <TableScroll label={t('notifications')}>
        <table id="notifications">
          <thead>
            <tr>
              <th scope="col">{t('notificationTime')}</th>
              <th scope="col">{t('notificationTask')}</th>
              <th scope="col">{t('notificationEvent')}</th>
              <th scope="col">{t('notificationDetail')}</th>
              <th scope="col"></th>
            </tr>
          </thead>
          <tbody>
            {list.items.length === 0 && <tr><td colspan={5}>{t('noNotifications')}</td></tr>}
            {list.items.map((n) => (
              <tr data-notification={n.id} class={n.readAt === null ? 'unread' : undefined}>
                <td><Time c={c} at={n.createdAt} /></td>
                <td>
                  {n.runId !== null
                    ? <a href={`/distillations/runs/${n.runId}`}>{t('ntfRun', { id: n.runId })}</a>
                    : <a href={`/tasks/${n.taskId}`}>{t('task', { id: n.taskId ?? 0 })}</a>}
                </td>
                <td>
                  {t(EVENT_LABELS[n.type as NotificationType] ?? 'evProgress')}
                  {n.readAt === null && <> <span class="tag">{t('unreadTag')}</span></>}
                </td>
                <td>{detail(t, n)}</td>
                <td><MarkRead c={c} n={n} v={v} /></td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
      <Pager c={c} page={v.list.page} pageSize={v.list.pageSize} total={v.list.total} href={(p) => `/notifications?${listQuery(p, v.unreadOnly)}`} />
      <ZoneNote c={c} />
      <KindsForm c={c} settings={v.settings} />
    </Layout>
  );
}

/** The kinds of notification the account is shown: checkboxes for a write key, the same read-only for a read key. */
function KindsForm({ c, settings }: { c: WebContext; settings: NotificationSettings }) {
  const t = c.get('t');
  const writable = canWrite(c);
  const boxes = (
      <fieldset>
        <legend>{t('notificationKinds')}</legend>
        <p class="help">{t('notificationKindsHelp')}</p>
        {settings.available.map((type) => (
          <label class="check">
            <input type="checkbox" name="types" value={type} checked={settings.types.includes(type)} disabled={!writable} /> {t(EVENT_LABELS[type])}
          </label>
        ))}
      </fieldset>
  );
  if (!writable) return <div class="card narrow" id="notification-kinds">{boxes}</div>;
  return (
    <form method="post" action="/notifications/settings" class="card narrow" id="notification-kinds">
      <CsrfField token={c.get('session').csrfToken} />
      {boxes}
      <button type="submit">{t('saveNotificationKinds')}</button>
    </form>
  );
}
