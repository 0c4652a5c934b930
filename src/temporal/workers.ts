import { DefaultLogger, Runtime, Worker, type NativeConnection } from '@temporalio/worker';
import type { PayloadCodec } from '@temporalio/common';
import type { Activities } from '../activities/index.js';
import { tracingWorkerOptions } from '../infra/tracing/index.js';
import { scrubQueryErrors } from './activity-error-scrub.js';
import { recordActivityMetrics } from './activity-metrics.js';
import { encryptedDataConverter } from './data-converter.js';

let runtimeInstalled = false;

/**
 * The SDK's logger without the two notes our worker split causes at every start: the LLM worker has no
 * workflows and the workflow worker no LLM activity, by design.
 */
class SdkLogger extends DefaultLogger {
  override log(...args: Parameters<DefaultLogger['log']>) {
    if (/^No (workflows|activities) registered, not polling/.test(args[1])) return;
    super.log(...args);
  }
}

/**
 * Quiets the SDK's own logger to warnings once per process; our pino logger reports the rest. With
 * `prometheusBindAddress` the SDK's own worker metrics (pollers, slots, schedule-to-start, sticky cache) are
 * served there in Prometheus text, counters with `_total` and durations in seconds; our /metrics proxies them.
 * The SDK's signal handlers stay off: they shut the workers down without ending the process, so a SIGTERM
 * during start-up (before the process's own handler, server/shutdown.ts) left a process logging "worker
 * running" with no pollers; without them that SIGTERM ends the process, and a later one drains it in order.
 */
export function installTemporalRuntime(level: 'WARN' | 'ERROR' | 'INFO' = 'WARN', opts: { prometheusBindAddress?: string } = {}) {
  if (runtimeInstalled) return;
  Runtime.install({
    logger: new SdkLogger(level),
    shutdownSignals: [],
    ...(opts.prometheusBindAddress
      ? { telemetryOptions: { metrics: { prometheus: { bindAddress: opts.prometheusBindAddress, countersTotalSuffix: true, unitSuffix: true, useSecondsForDurations: true } } } }
      : {}),
  });
  runtimeInstalled = true;
}

export interface TaskWorkersOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  llmTaskQueue: string;
  activities: Activities;
  /** Encrypts and decrypts every payload; the client that starts the workflows uses the same keys. */
  codec: PayloadCodec;
  /** LLM calls in flight in this process at most. */
  llmConcurrency: number;
  /**
   * LLM calls started per second across every worker of the LLM queue, enforced by the Temporal server
   * (the last poller's value wins); unset: no cap.
   */
  llmMaxRps?: number | undefined;
  /** More activities for the main queue (usage verification, scheduled generation). */
  extraActivities?: Record<string, (...args: any[]) => Promise<unknown>>;
  /** The bundled workflow code (resolveWorkflowBundle, or the tests' one): never bundled here, at every worker start. */
  workflowBundle: { codePath: string };
}

/** Runs one named creation step; start-up passes retryStartupStep, which runs it again after a dependency's blip. */
export type CreationStep = <T>(name: string, fn: () => Promise<T>) => Promise<T>;

/**
 * Two workers in one process: workflows and DB activities on the task queue, the LLM calls (generateArticle,
 * distillKeyword) alone on the LLM queue, so the provider's limits are set on LLM calls only. Each worker is
 * its own `step`: a worker once created is registered with the connection, so creating it again after the
 * other one failed would be refused as a duplicate (the Temporal runtime allows one per queue).
 */
export async function createTaskWorkers(o: TaskWorkersOptions, step: CreationStep = (_name, fn) => fn()) {
  const { generateArticle, distillKeyword, ...dbActivities } = o.activities;
  const dataConverter = encryptedDataConverter(o.codec);
  // Tracing's interceptors run first, so an activity's span covers the metrics and the scrubbing too.
  const tracing = tracingWorkerOptions();
  const activityInterceptors = [...tracing.activity, recordActivityMetrics, scrubQueryErrors];
  const main = await step('creating the workflow worker', () => Worker.create({
    connection: o.connection,
    dataConverter,
    namespace: o.namespace,
    taskQueue: o.taskQueue,
    workflowBundle: o.workflowBundle,
    activities: { ...dbActivities, ...o.extraActivities },
    interceptors: { activity: activityInterceptors },
    sinks: tracing.sinks,
  }));
  const llm = await step('creating the LLM worker', () => Worker.create({
    connection: o.connection,
    namespace: o.namespace,
    taskQueue: o.llmTaskQueue,
    dataConverter,
    activities: { generateArticle, distillKeyword },
    interceptors: { activity: activityInterceptors },
    maxConcurrentActivityTaskExecutions: o.llmConcurrency,
    ...(o.llmMaxRps !== undefined ? { maxTaskQueueActivitiesPerSecond: o.llmMaxRps } : {}),
    // Cancellation reaches an activity with a heartbeat reply: beat often so a cancel aborts the
    // provider request within about a second instead of most of the heartbeat timeout.
    defaultHeartbeatThrottleInterval: '1s',
    maxHeartbeatThrottleInterval: '1s',
  }));
  return {
    workers: [main, llm] as const,
    run: () => Promise.all([main.run(), llm.run()]).then(() => undefined),
    shutdown() {
      for (const w of [main, llm]) if (w.getState() === 'RUNNING') w.shutdown();
    },
  };
}
