import type { Context } from 'hono';
import { Hono } from 'hono';
import { z } from 'zod';
import { listNotifications, markAllNotificationsRead, markNotificationRead } from '../../domain/tasks/task-event-queries.js';
import type { ApiDeps } from '../../http/deps.js';
import type { ApiEnv } from '../types.js';
import { pagination, parseIdParam, parseQuery } from '../../http/validation.js';
import type { ApiOperation } from '../operation.js';
import { count, id, jsonObject, nullableTimestamp, paged, timestamp } from '../../http/schemas/common.js';
import { NOTIFICATION_TYPES } from '../../shared/events/index.js';
import { getNotificationSettings, putNotificationSettings } from '../../domain/tasks/notification-settings.js';
import { parseJsonBody } from '../../http/validation.js';

const notification = z.object({
  id,
  taskId: id.nullable().describe("The task of a task's notification; null for a distillation run's"),
  runId: id.nullable().describe('The distillation run of a distillation.finished notification; null for a task\'s'),
  type: z.enum(NOTIFICATION_TYPES).describe("The task-level events of the event vocabulary, and a distillation run's end (distillation.finished)"),
  title: z.string(),
  data: jsonObject,
  createdAt: timestamp,
  readAt: nullableTimestamp,
});
const notificationList = paged('items', notification).extend({ unreadCount: count });

const notificationType = z.enum(NOTIFICATION_TYPES, { message: `a notification type must be one of ${NOTIFICATION_TYPES.join(', ')}` });
const settingsBody = z.object({
  types: z
    .array(notificationType, { message: 'types must be a list of notification types, or null for the defaults' })
    .max(NOTIFICATION_TYPES.length * 2)
    .nullable()
    .describe('The kinds to be notified of; null: the defaults'),
});
const settingsAnswer = z.object({
  types: z.array(notificationType).describe('What the account is notified of'),
  defaults: z.array(notificationType).describe('What an account is notified of until it chooses (progress milestones off)'),
  available: z.array(notificationType),
});

const listQuery = pagination.extend({
  unread: z
    .enum(['true', 'false'], { message: "unread must be 'true' or 'false'" })
    .transform((v) => v === 'true')
    .optional(),
});

/** Notification ids are task event ids (bigint): the id rule with JavaScript's exact-integer limit. */
const notificationId = (c: Context) => parseIdParam(c, 'id', Number.MAX_SAFE_INTEGER);

/** The account's task notifications (started, 25/50/75 % when chosen, finished), newest first, with read state, and the kinds it chose. */
export function notificationRoutes({ db }: ApiDeps) {
  return new Hono<ApiEnv>()
    .get('/', async (c) => c.json(await listNotifications(db, c.get('accountId'), parseQuery(c, listQuery))))
    .get('/settings', async (c) => c.json(await getNotificationSettings(db, c.get('accountId'))))
    .put('/settings', async (c) => c.json(await putNotificationSettings(db, c.get('accountId'), (await parseJsonBody(c, settingsBody)).types)))
    .post('/read-all', async (c) => c.json({ updated: await markAllNotificationsRead(db, c.get('accountId')) }))
    .post('/:id/read', async (c) => c.json(await markNotificationRead(db, c.get('accountId'), notificationId(c))));
}

export const notificationOperations: ApiOperation[] = [
  { method: 'get', path: '/', summary: 'Task-level events as notifications, newest first, with the unread count', query: listQuery, response: notificationList },
  { method: 'get', path: '/settings', summary: 'The kinds of notification the account is shown', response: settingsAnswer },
  { method: 'put', path: '/settings', summary: 'Choose the kinds of notification the account is shown (applies to existing ones too)', body: settingsBody, response: settingsAnswer },
  { method: 'post', path: '/read-all', summary: 'Mark every notification read', response: z.object({ updated: count }) },
  { method: 'post', path: '/:id/read', summary: 'Mark one notification read', response: notification, pathIdMaximum: Number.MAX_SAFE_INTEGER },
];
