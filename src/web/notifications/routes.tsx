/** @jsxImportSource hono/jsx */
import { Hono } from 'hono';
import { parseIdParam } from '../../http/validation.js';
import type { Db } from '../../db/client.js';
import { listNotifications, markAllNotificationsRead, markNotificationRead } from '../../domain/tasks/task-event-queries.js';
import type { WebContext, WebEnv } from '../context.js';
import { page } from '../layout.js';
import { listQuery, NotificationsPage } from './notifications.js';
import { getNotificationSettings, putNotificationSettings } from '../../domain/tasks/notification-settings.js';
import { NOTIFICATION_TYPES, type NotificationType } from '../../shared/events/index.js';

const PAGE_SIZE = 20;

/** The list's page and filter from the query; anything odd falls back to the first page of all. */
function where(c: WebContext) {
  const pageNo = Math.max(1, Math.min(1_000_000, Number.parseInt(c.req.query('page') ?? '1', 10) || 1));
  return { pageNo, unreadOnly: c.req.query('unread') === 'true' };
}

/** The account's notifications (the API's functions), newest first, with mark read and mark all read. */
export function notificationRoutes(db: Db) {
  return new Hono<WebEnv>()
    .get('/', async (c) => {
      const { pageNo, unreadOnly } = where(c);
      const accountId = c.get('session').accountId;
      const [list, settings] = await Promise.all([
        listNotifications(db, accountId, { page: pageNo, pageSize: PAGE_SIZE, unread: unreadOnly || undefined }),
        getNotificationSettings(db, accountId),
      ]);
      const marked = c.req.query('marked');
      const t = c.get('t');
      const notice = marked && /^\d+$/.test(marked) ? t('markedAllRead', { n: marked }) : c.req.query('saved') === 'kinds' ? t('notificationKindsSaved') : undefined;
      return page(c, <NotificationsPage c={c} v={{ list, unreadOnly, settings, notice }} />);
    })
    .post('/settings', async (c) => {
      // Unknown values (a tampered form) are dropped: the boxes offer only the vocabulary's types.
      const ticked = (await c.req.parseBody({ all: true })).types;
      const values = (Array.isArray(ticked) ? ticked : ticked === undefined ? [] : [ticked]).filter((v): v is string => typeof v === 'string');
      const types = NOTIFICATION_TYPES.filter((type): type is NotificationType => values.includes(type));
      await putNotificationSettings(db, c.get('session').accountId, types);
      return c.redirect('/notifications?saved=kinds', 303);
    })
    .post('/read-all', async (c) => {
      const updated = await markAllNotificationsRead(db, c.get('session').accountId);
      return c.redirect(`/notifications?marked=${updated}`, 303);
    })
    .post('/:id/read', async (c) => {
      await markNotificationRead(db, c.get('session').accountId, parseIdParam(c, 'id', Number.MAX_SAFE_INTEGER));
      const { pageNo, unreadOnly } = where(c);
      const query = listQuery(pageNo, unreadOnly);
      return c.redirect(`/notifications${query ? `?${query}` : ''}`, 303);
    });
}
