import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { requestId } from 'hono/request-id';
import { declaredRoutes, mountKeyedApiRoutes, mountOpenApiRoutes, TEMPORAL_CODEC } from '../api/index.js';
import { jsonNewline } from '../api/middleware/json-newline.js';
import { methodNotAllowed } from '../api/middleware/method-not-allowed.js';
import { securityHeaders } from '../api/middleware/security-headers.js';
import { temporalCodecCors } from '../api/routes/temporal-codec.js';
import type { ApiEnv } from '../api/types.js';
import { DEFAULT_KNOWLEDGE, DEFAULT_LIMITS, DEFAULT_QUALITY, DEFAULT_WEBHOOK_SETTINGS } from '../config.js';
import type { ApiDeps, RouteDeps } from '../http/deps.js';
import { createErrorHandler, errorBody } from '../http/error-handler.js';
import { httpMetrics } from '../http/http-metrics.js';
import { httpTracing } from '../http/http-tracing.js';
import { createStreamGate } from '../http/stream-gate.js';
import { consoleNotFound, wantsConsolePage, webRoutes } from '../web/index.js';

export const MAX_BODY_BYTES = 2 * 1024 * 1024;
/** Room for multipart boundaries, headers and small fields around an uploaded file. */
const UPLOAD_FRAMING_BYTES = 64 * 1024;
/** The routes that take a knowledge file: the API's and the console's. */
const isUploadPath = (path: string) => /^\/(?:api\/)?knowledge-bases\/[^/]+\/documents\/?$/.test(path);

/** The deps with every default resolved: what the API's route modules and the console get. */
function resolveDeps(apiDeps: ApiDeps): RouteDeps {
  const limits = apiDeps.limits ?? DEFAULT_LIMITS;
  return {
    ...apiDeps,
    limits,
    quality: apiDeps.quality ?? DEFAULT_QUALITY,
    webhooks: apiDeps.webhooks ?? DEFAULT_WEBHOOK_SETTINGS,
    knowledge: apiDeps.knowledge ?? DEFAULT_KNOWLEDGE,
    streams: apiDeps.streams ?? createStreamGate({ db: apiDeps.db, log: apiDeps.log, caps: limits }),
  };
}

/**
 * The HTTP app: the API and the console, two peers over the same domain, mounted side by side. Health and
 * the OpenAPI document are open, everything else under /api needs a bearer API key of the scope its
 * operation declares; writes and refused keys are audited. Every answer carries an X-Request-Id (the
 * client's when valid).
 */
export function createApp(apiDeps: ApiDeps) {
  const deps = resolveDeps(apiDeps);
  const app = new Hono<ApiEnv>();
  app.onError(createErrorHandler(deps.log));
  app.notFound((c) => (wantsConsolePage(c) ? consoleNotFound(c) : c.json(errorBody('ROUTE_NOT_FOUND', `No route ${c.req.method} ${c.req.path}.`), 404)));
  app.use('*', httpTracing());
  app.use('*', httpMetrics());
  app.use('*', jsonNewline());
  app.use('*', requestId());
  app.use('*', securityHeaders());
  // The codec's CORS answers the Temporal UI's preflight (OPTIONS, no key) before the 405 and the key check.
  app.use(`${TEMPORAL_CODEC}/*`, temporalCodecCors(deps));
  app.use('*', methodNotAllowed(declaredRoutes()));
  const limitBody = (maxSize: number) =>
    bodyLimit({
      maxSize,
      // The rest of the body is never read, so the connection cannot be reused: say so.
      onError: (c) => {
        c.header('Connection', 'close');
        return c.json(errorBody('PAYLOAD_TOO_LARGE', `The request body exceeds ${maxSize} bytes.`), 413);
      },
    });
  const anyBody = limitBody(MAX_BODY_BYTES);
  // File uploads may carry a whole file plus the multipart framing; the route refuses a file over the limit itself.
  const uploadBody = limitBody(deps.knowledge.maxFileBytes + UPLOAD_FRAMING_BYTES);
  app.use('*', (c, next) => (c.req.method === 'POST' && isUploadPath(c.req.path) ? uploadBody(c, next) : anyBody(c, next)));
  mountOpenApiRoutes(app, deps);
  app.route('/', webRoutes(deps));
  mountKeyedApiRoutes(app, deps);
  return app;
}
