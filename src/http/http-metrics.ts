import type { Context, MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
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
    const labels = {
      route: routePatternOf(c),
      // A method outside the standard ones would be a label value a client picks.
      method: KNOWN_METHODS.has(c.req.method) ? c.req.method : 'OTHER',
      status: String(c.res.status),
    };
    httpRequests.inc(labels);
    httpRequestDuration.observe(labels, (performance.now() - started) / 1000);
  };
}

/**
 * The pattern of the route that answered, or that the request was headed for when a middleware answered
 * first (a 401 of the key check); middleware (registered for every method) never names it. Nothing headed
 * for a route (a 404, a 405) is UNMATCHED_ROUTE.
 */
export function routePatternOf(c: Context): string {
  const routes = matchedRoutes(c);
  const isHandler = (r: { method: string } | undefined) => r !== undefined && r.method !== 'ALL';
  const answered = routes[c.req.routeIndex];
  if (isHandler(answered)) return answered!.path;
  return routes.slice(c.req.routeIndex + 1).find(isHandler)?.path ?? UNMATCHED_ROUTE;
}

const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
