import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { Resource } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import {
  makeWorkflowExporter,
  OpenTelemetryActivityInboundInterceptor,
  OpenTelemetryActivityOutboundInterceptor,
  OpenTelemetryWorkflowClientInterceptor,
} from '@temporalio/interceptors-opentelemetry';
import type { TemporalTracing } from './state.js';

/**
 * The OpenTelemetry SDK, loaded by startTracing only when an endpoint is configured: a tracer provider with
 * the W3C propagator and an AsyncLocalStorage context (so a span started in a request handler is the parent
 * of what it awaits), exporting in batches as OTLP/HTTP JSON to `<endpoint>/v1/traces`.
 */
export function installTracing(endpoint: string, serviceName: string) {
  const resource = new Resource({ 'service.name': serviceName });
  const processor = new BatchSpanProcessor(new OTLPTraceExporter({ url: `${endpoint.replace(/\/+$/, '')}/v1/traces` }));
  const provider = new BasicTracerProvider({ resource, spanProcessors: [processor] });
  provider.register({ contextManager: new AsyncLocalStorageContextManager().enable(), propagator: new W3CTraceContextPropagator() });
  const temporal: TemporalTracing = {
    client: [new OpenTelemetryWorkflowClientInterceptor()],
    activity: [(ctx) => ({ inbound: new OpenTelemetryActivityInboundInterceptor(ctx), outbound: new OpenTelemetryActivityOutboundInterceptor(ctx) })],
    sinks: { exporter: makeWorkflowExporter(processor, resource) },
  };
  return { temporal, shutdown: () => provider.shutdown() };
}
