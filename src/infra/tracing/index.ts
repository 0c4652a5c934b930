import type { Logger } from '../../logger.js';
import { setTemporalTracing } from './state.js';

export { tracingClientInterceptors, tracingEnabled, tracingWorkerOptions } from './state.js';

export interface TracingSettings {
  /** OTEL_EXPORTER_OTLP_ENDPOINT; unset: no tracing. */
  endpoint?: string | undefined;
  /** The spans' service.name. */
  serviceName: string;
}

/**
 * Turns tracing on for this process when an OTLP endpoint is configured, before any Temporal client or worker
 * is made (they take their interceptors from here). Without one it does nothing and loads nothing: the SDK
 * is imported only on this path, so an untraced process pays no start-up time and no memory for it. Resolves
 * with the flush-and-stop to run at shutdown, or null.
 *
 * @example const tracing = await startTracing({ endpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT, serviceName: 'artgen-api' }, log);
 */
export async function startTracing(settings: TracingSettings, log: Logger): Promise<{ shutdown(): Promise<void> } | null> {
  if (!settings.endpoint) return null;
  const { installTracing } = await import('./sdk.js');
  const { temporal, shutdown } = installTracing(settings.endpoint, settings.serviceName);
  setTemporalTracing(temporal);
  // The origin only: a URL may carry a user and password.
  log.info({ endpoint: new URL(settings.endpoint).origin, serviceName: settings.serviceName }, 'tracing on: spans exported as OTLP/HTTP');
  return {
    async shutdown() {
      setTemporalTracing(null);
      await shutdown().catch((err: unknown) => log.warn({ err }, 'flushing the last spans failed'));
    },
  };
}
