import { readFileSync } from 'node:fs';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { DEFAULT_LIMITS } from '../config.js';
import { createErrorHandler, errorBody } from './error-handler.js';
import { apiKeyAuth } from './middleware/api-key-auth.js';
import { rateLimit } from './middleware/rate-limit.js';
import { buildOpenApiDocument, type ApiMount } from './openapi.js';
import { adminLimitOperations, adminLimitRoutes } from './routes/admin-limits.js';
import { articleOperations, articleRoutes } from './routes/articles.js';
import { distillationOperations, distillationRoutes } from './routes/distillations.js';
import { healthOperations, healthRoutes } from './routes/health.js';
import { notificationOperations, notificationRoutes } from './routes/notifications.js';
import { albumRoutes, articleSettingRoutes, conversionTargetRoutes, knowledgeBaseRoutes } from './routes/resources.js';
import { scheduleOperations, scheduleRoutes } from './routes/schedules.js';
import { statsOperations, statsRoutes } from './routes/stats.js';
import { taskCleanupOperations, taskCleanupRoutes } from './routes/task-cleanup.js';
import { taskEventOperations, taskEventRoutes } from './routes/task-events.js';
import { taskOperations, taskRoutes } from './routes/tasks.js';
import { usageOperations, usageRoutes } from './routes/usage.js';
import type { ApiDeps, ApiEnv, RouteDeps } from './types.js';

export const MAX_BODY_BYTES = 2 * 1024 * 1024;

type RouteModule = (deps: RouteDeps) => Hono<any>;
interface Mount extends ApiMount {
  routes: RouteModule;
}

const TASKS = '/api/article-generation/tasks';
/** Every route module, where it is mounted, and what it documents (in this order: cleanup before /:id). */
const MOUNTS: Mount[] = [
  { base: '/api/health', tag: 'health', routes: healthRoutes, operations: healthOperations, open: true },
  { base: '/api/distillations', tag: 'distillations', routes: distillationRoutes, operations: distillationOperations },
  { base: '/api/article-settings', tag: 'resources', routes: articleSettingRoutes, operations: articleSettingRoutes.operations },
  { base: '/api/knowledge-bases', tag: 'resources', routes: knowledgeBaseRoutes, operations: knowledgeBaseRoutes.operations },
  { base: '/api/albums', tag: 'resources', routes: albumRoutes, operations: albumRoutes.operations },
  { base: '/api/conversion-targets', tag: 'resources', routes: conversionTargetRoutes, operations: conversionTargetRoutes.operations },
  { base: `${TASKS}/cleanup`, tag: 'tasks', routes: taskCleanupRoutes, operations: taskCleanupOperations },
  { base: TASKS, tag: 'tasks', routes: taskRoutes, operations: taskOperations },
  { base: TASKS, tag: 'tasks', routes: taskEventRoutes, operations: taskEventOperations },
  { base: '/api/articles', tag: 'articles', routes: articleRoutes, operations: articleOperations },
  { base: '/api/notifications', tag: 'notifications', routes: notificationRoutes, operations: notificationOperations },
  { base: '/api/stats', tag: 'stats', routes: statsRoutes, operations: statsOperations },
  { base: '/api/usage', tag: 'usage', routes: usageRoutes, operations: usageOperations },
  { base: '/api/schedules', tag: 'schedules', routes: scheduleRoutes, operations: scheduleOperations },
  // Admin only: the admin scope (h/tenants-keys) is declared on this mount.
  { base: '/api/admin/accounts', tag: 'admin', routes: adminLimitRoutes, operations: adminLimitOperations },
];

export const OPENAPI_PATH = '/api/openapi.json';
let document: ReturnType<typeof buildOpenApiDocument> | undefined;

/** The OpenAPI document of every mounted route, itself included; built on first use, not at start-up. */
export function openApiDocument() {
  if (!document) {
    const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    const self: ApiMount = { base: OPENAPI_PATH, tag: 'health', open: true, operations: [{ method: 'get', path: '/', summary: 'This OpenAPI 3.1 document' }] };
    document = buildOpenApiDocument([...MOUNTS, self], version);
  }
  return document;
}

/** The HTTP API: health and the OpenAPI document are open, everything else under /api needs a bearer API key. */
export function createApp(apiDeps: ApiDeps) {
  const deps: RouteDeps = { ...apiDeps, limits: apiDeps.limits ?? DEFAULT_LIMITS };
  const app = new Hono<ApiEnv>();
  app.onError(createErrorHandler(deps.log));
  app.notFound((c) => c.json(errorBody('ROUTE_NOT_FOUND', `No route ${c.req.method} ${c.req.path}.`), 404));
  app.use(
    '*',
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      // The rest of the body is never read, so the connection cannot be reused: say so.
      onError: (c) => {
        c.header('Connection', 'close');
        return c.json(errorBody('PAYLOAD_TOO_LARGE', `The request body exceeds ${MAX_BODY_BYTES} bytes.`), 413);
      },
    }),
  );
  app.get(OPENAPI_PATH, (c) => c.json(openApiDocument()));
  for (const m of MOUNTS.filter((m) => m.open)) app.route(m.base, m.routes(deps));
  app.use('/api/*', apiKeyAuth(deps.db));
  app.use('/api/*', rateLimit({ db: deps.db, defaults: deps.limits }));
  for (const m of MOUNTS.filter((m) => !m.open)) app.route(m.base, m.routes(deps));
  return app;
}
