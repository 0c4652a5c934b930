import type { WorkflowClientInterceptor } from '@temporalio/client';
import type { ActivityInterceptorsFactory, InjectedSinks } from '@temporalio/worker';

/** What Temporal's clients and workers of a traced process add: the OpenTelemetry interceptors and the workflow spans' sink. */
export interface TemporalTracing {
  client: WorkflowClientInterceptor[];
  activity: ActivityInterceptorsFactory[];
  sinks: InjectedSinks<any>;
}

/**
 * The workflow interceptors' sink when this process does not trace: a workflow started by a traced API
 * still replays here, and its spans go nowhere instead of into an "unregistered sink" error per span.
 */
const NO_SPANS: InjectedSinks<any> = { exporter: { export: { fn: () => undefined } } };

let temporal: TemporalTracing | null = null;

/** Set once by startTracing when OTEL_EXPORTER_OTLP_ENDPOINT is set; null: this process does not trace. */
export function setTemporalTracing(t: TemporalTracing | null) {
  temporal = t;
}

/** Whether this process traces (startTracing found an endpoint). */
export const tracingEnabled = () => temporal !== null;

/** The client interceptors for every Temporal client of this process (none when it does not trace). */
export const tracingClientInterceptors = (): WorkflowClientInterceptor[] => temporal?.client ?? [];

/** The activity interceptors and workflow sinks for a worker of this process. */
export const tracingWorkerOptions = () => ({ activity: temporal?.activity ?? [], sinks: temporal?.sinks ?? NO_SPANS });
