import type { MiddlewareHandler } from 'hono';
import type { Db } from '../../db/client.js';
import { countUnreadNotifications } from '../../domain/tasks/task-event-queries.js';
import type { WebEnv } from '../context.js';

/**
 * Gives every page behind sign-in the unread count for the navigation's badge, as a function: only a
 * page that renders the navigation runs the (capped, index-only) count, once.
 */
export function notificationBadge(db: Db): MiddlewareHandler<WebEnv> {
  return async (c, next) => {
    let counted: Promise<number> | undefined;
    c.set('unreadNotifications', () => (counted ??= countUnreadNotifications(db, c.get('session').accountId)));
    await next();
  };
}
