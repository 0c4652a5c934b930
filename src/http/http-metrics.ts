import type { MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import { httpRequestDuration, httpRequests } from '../infra/metrics/registry.js';

/** The label of a request no route matched (a 404 or a 405): never its path, which a client chooses. */
export const UNMATCHED_ROUTE = 'unmatched';

/**
 * Counts every answer by route pattern (`/api/article-generation/tasks/:id`, never the path), method and
 * status, with its time to the answer headers (a stream's lifetime is not measured). Registered first.
 *
 * @example app.use('*', httpMetrics())
 */
export function httpMetrics(): MiddlewareHandler {
  return async (c, next) => {
    const started = performance.now();
    await next();
    const pattern = routePath(c);
    const labels = {
      route: pattern === '*' || pattern === '/*' || pattern === '' ? UNMATCHED_ROUTE : pattern,
      // A method outside the standard ones would be a label value a client picks.
      method: KNOWN_METHODS.has(c.req.method) ? c.req.method : 'OTHER',
      status: String(c.res.status),
    };
    httpRequests.inc(labels);
    httpRequestDuration.observe(labels, (performance.now() - started) / 1000);
  };
}

const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
