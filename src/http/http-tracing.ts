import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { MiddlewareHandler } from 'hono';
import { tracingEnabled } from '../infra/tracing/index.js';
import { routePatternOf } from './http-metrics.js';

const tracer = trace.getTracer('artgen-http');

/**
 * One server span per request when the process traces: the root of the trace of whatever the request
 * starts (a task's workflow, its activities, its LLM calls), or the child of the caller's span when the
 * request carries a W3C `traceparent`. Named by method and route pattern, never by the path or query a
 * client chose. Untraced processes skip it at the cost of one check.
 *
 * @example app.use('*', httpTracing())
 */
export function httpTracing(): MiddlewareHandler {
  return async (c, next) => {
    if (!tracingEnabled()) return next();
    const parent = propagation.extract(context.active(), Object.fromEntries(c.req.raw.headers));
    const span = tracer.startSpan(c.req.method, { kind: SpanKind.SERVER, attributes: { 'http.request.method': c.req.method } }, parent);
    try {
      await context.with(trace.setSpan(parent, span), next);
    } finally {
      const route = routePatternOf(c);
      span.updateName(`${c.req.method} ${route}`);
      span.setAttributes({ 'http.route': route, 'http.response.status_code': c.res.status });
      if (c.res.status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    }
  };
}
