import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_ROUTES } from '../../src/api/index.js';
import { DEFAULT_LIMITS } from '../../src/config.js';
import { createErrorHandler } from '../../src/http/error-handler.js';
import { createEventHub, eventHubFor } from '../../src/http/event-hub.js';
import { apiKeyAuth } from '../../src/api/middleware/api-key-auth.js';
import { taskEventRoutes } from '../../src/api/routes/task-events.js';
import { createStreamGate } from '../../src/http/stream-gate.js';
import type { ApiEnv } from '../../src/api/types.js';
import { createTaskWithReservations } from '../../src/domain/tasks/selection.js';
import { finishTask } from '../../src/domain/tasks/task-lifecycle.js';
import { createLogger } from '../../src/logger.js';
import { serveApp, type TestServer } from '../support/api-server.js';
import { newAccount, openTestDatabase, seedDistillations } from '../support/db.js';
import { openSse, readUntilEnd } from '../support/sse.js';

/**
 * Idle event streams: tasks no worker runs, events appended by the domain functions directly, and a
 * 50 ms ping so the keep-alive comments show up quickly. Same auth and error handling as src/server/app.ts.
 */

const database = openTestDatabase(5);
const TASKS = '/api/article-generation/tasks';
/** The same route behind a hub that never LISTENs (as after a lost connection): only its poll, every 100 ms, finds events. */
const DEAF = '/deaf/article-generation/tasks';
const deafHub = createEventHub(database.sql, { listen: false, pollMs: 100 });
let api: TestServer;

beforeAll(async () => {
  // No Temporal: the event route never starts a workflow.
  const log = createLogger('silent');
  const deps = { db: database.db, log, streams: createStreamGate({ db: database.db, log, caps: DEFAULT_LIMITS }) };
  const app = new Hono<ApiEnv>();
  app.onError(createErrorHandler(log));
  app.use('/api/*', apiKeyAuth(database.db, API_ROUTES));
  app.use('/deaf/*', apiKeyAuth(database.db, API_ROUTES));
  app.route(TASKS, taskEventRoutes(deps, { pingMs: 50 }));
  app.route(DEAF, taskEventRoutes(deps, { pingMs: 50, hub: deafHub }));
  api = await serveApp(app);
});
afterAll(async () => {
  await api?.close();
  await database.close();
});

const auth = (key: string) => ({ authorization: `Bearer ${key}` });
const eventsUrl = (taskId: number) => `${api.url}${TASKS}/${taskId}/events`;

async function idleTask() {
  const { accountId, apiKey } = await newAccount(database);
  await seedDistillations(database, accountId, [{ keyword: 'idle' }]);
  const task = await createTaskWithReservations(database.db, accountId, { articleCount: 1 });
  return { apiKey, taskId: task.id };
}

describe('idle task event stream', () => {
  it('pings while idle, delivers a later final event live and ends', async () => {
    const hub = eventHubFor(database.db);
    const { apiKey, taskId } = await idleTask();
    const conn = await openSse(eventsUrl(taskId), auth(apiKey));
    expect(conn.status, conn.errorText ?? '').toBe(200);
    const reading = readUntilEnd(conn);
    await expect.poll(() => conn.comments.length).toBeGreaterThanOrEqual(2);
    expect(conn.comments.every((c) => c === 'ping')).toBe(true);
    expect(hub.subscriberCount()).toBe(1);

    await finishTask(database.db, taskId, { status: 'canceled', reason: 'test' });
    const received = await reading;
    expect(received.map((m) => m.event)).toEqual(['task.canceled']);
    expect(JSON.parse(received[0]!.data)).toMatchObject({ taskId, type: 'task.canceled', data: { errorMessage: 'test' } });
    await expect.poll(() => hub.subscriberCount()).toBe(0);
  });

  it('drops the subscription when the client disconnects', async () => {
    const hub = eventHubFor(database.db);
    const { apiKey, taskId } = await idleTask();
    const conns = await Promise.all([1, 2, 3].map(() => openSse(eventsUrl(taskId), auth(apiKey))));
    await expect.poll(() => hub.subscriberCount()).toBe(3);
    conns[0]!.close();
    await expect.poll(() => hub.subscriberCount()).toBe(2);
    for (const c of conns.slice(1)) c.close();
    await expect.poll(() => hub.subscriberCount()).toBe(0);
    await finishTask(database.db, taskId, { status: 'canceled', reason: 'test' });
  });

  it('still delivers events and ends when no notification ever comes (the hub\'s poll)', async () => {
    const { apiKey, taskId } = await idleTask();
    const conn = await openSse(`${api.url}${DEAF}/${taskId}/events`, auth(apiKey));
    expect(conn.status, conn.errorText ?? '').toBe(200);
    const reading = readUntilEnd(conn);
    await expect.poll(() => conn.comments.length).toBeGreaterThanOrEqual(1);
    await finishTask(database.db, taskId, { status: 'canceled', reason: 'deaf' });
    const received = await reading;
    expect(received.map((m) => m.event)).toEqual(['task.canceled']);
    expect(JSON.parse(received[0]!.data)).toMatchObject({ taskId, type: 'task.canceled', data: { errorMessage: 'deaf' } });
  });
});
