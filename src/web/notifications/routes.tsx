/** @jsxImportSource hono/jsx */
import { Hono } from 'hono';
import { parseIdParam } from '../../http/validation.js';
import type { Db } from '../../db/client.js';
import { listNotifications, markAllNotificationsRead, markNotificationRead } from '../../domain/tasks/task-event-queries.js';
import type { WebContext, WebEnv } from '../context.js';
import { page } from '../layout.js';
import { listQuery, NotificationsPage } from './notifications.js';

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
      const list = await listNotifications(db, c.get('session').accountId, { page: pageNo, pageSize: PAGE_SIZE, unread: unreadOnly || undefined });
      const marked = c.req.query('marked');
      const notice = marked && /^\d+$/.test(marked) ? c.get('t')('markedAllRead', { n: marked }) : undefined;
      return page(c, <NotificationsPage c={c} v={{ list, unreadOnly, notice }} />);
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
