import { eq, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { accounts } from '../../db/schema.js';
import { DEFAULT_NOTIFICATION_TYPES, NOTIFICATION_TYPES, type NotificationType } from '../../shared/events/index.js';
import { notFound } from '../errors.js';

/**
 * Which task-level events an account sees as notifications. Events are recorded whatever the choice (streams,
 * webhooks and the task page read them); the choice filters the notification list and the unread badge when
 * they are read, so changing it applies to the events already there too.
 */
export interface NotificationSettings {
  types: NotificationType[];
  defaults: NotificationType[];
  available: NotificationType[];
}

const DEFAULTS_SQL = sql.raw(`ARRAY[${DEFAULT_NOTIFICATION_TYPES.map((t) => `'${t}'`).join(', ')}]::text[]`);

/** The SQL condition "this event's type is one the account is notified of" (defaults when it never chose). */
export const notifiedTypeCondition = (typeColumn: unknown, accountId: number) =>
  sql`${typeColumn} = ANY (coalesce((SELECT a.notification_types FROM accounts a WHERE a.id = ${accountId}), ${DEFAULTS_SQL}))`;

const answer = (chosen: string[] | null): NotificationSettings => ({
  // In the vocabulary's order, whatever order they were given in.
  types: chosen === null ? [...DEFAULT_NOTIFICATION_TYPES] : NOTIFICATION_TYPES.filter((t) => chosen.includes(t)),
  defaults: [...DEFAULT_NOTIFICATION_TYPES],
  available: [...NOTIFICATION_TYPES],
});

export async function getNotificationSettings(db: DbOrTx, accountId: number): Promise<NotificationSettings> {
  const [row] = await db.select({ types: accounts.notificationTypes }).from(accounts).where(eq(accounts.id, accountId));
  if (!row) throw notFound('account', accountId);
  return answer(row.types);
}

/** Sets the account's notification types; null goes back to the defaults. */
export async function putNotificationSettings(db: DbOrTx, accountId: number, types: NotificationType[] | null): Promise<NotificationSettings> {
  const stored = types === null ? null : NOTIFICATION_TYPES.filter((t) => types.includes(t));
  const [row] = await db.update(accounts).set({ notificationTypes: stored }).where(eq(accounts.id, accountId)).returning({ types: accounts.notificationTypes });
  if (!row) throw notFound('account', accountId);
  return answer(row.types);
}
