import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { createErrorHandler, errorBody } from './error-handler.js';
import { apiKeyAuth } from './middleware/api-key-auth.js';
import { articleRoutes } from './routes/articles.js';
import { distillationRoutes } from './routes/distillations.js';
import { healthRoutes } from './routes/health.js';
import { notificationRoutes } from './routes/notifications.js';
import { albumRoutes, articleSettingRoutes, conversionTargetRoutes, knowledgeBaseRoutes } from './routes/resources.js';
import { scheduleRoutes } from './routes/schedules.js';
import { statsRoutes } from './routes/stats.js';
import { taskCleanupRoutes } from './routes/task-cleanup.js';
import { taskEventRoutes } from './routes/task-events.js';
import { taskRoutes } from './routes/tasks.js';
import { usageRoutes } from './routes/usage.js';
import type { ApiDeps, ApiEnv } from './types.js';

export const MAX_BODY_BYTES = 2 * 1024 * 1024;

/** The HTTP API: health is open, everything else under /api needs a bearer API key. */
export function createApp(deps: ApiDeps) {
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
  app.route('/api/health', healthRoutes(deps));
  app.use('/api/*', apiKeyAuth(deps.db));
  app.route('/api/distillations', distillationRoutes(deps));
  app.route('/api/article-settings', articleSettingRoutes(deps));
  app.route('/api/knowledge-bases', knowledgeBaseRoutes(deps));
  app.route('/api/albums', albumRoutes(deps));
  app.route('/api/conversion-targets', conversionTargetRoutes(deps));
  app.route('/api/article-generation/tasks/cleanup', taskCleanupRoutes(deps));
  app.route('/api/article-generation/tasks', taskRoutes(deps));
  app.route('/api/article-generation/tasks', taskEventRoutes(deps));
  app.route('/api/articles', articleRoutes(deps));
  app.route('/api/notifications', notificationRoutes(deps));
  app.route('/api/stats', statsRoutes(deps));
  app.route('/api/usage', usageRoutes(deps));
  app.route('/api/schedules', scheduleRoutes(deps));
  return app;
}
