import type { PayloadCodec } from '@temporalio/common';
import type { SecretSealer } from '../domain/webhooks/index.js';
import { NativeConnection } from '@temporalio/worker';
import { createActivities } from '../activities/index.js';
import { createMaintenanceActivities } from '../activities/maintenance.js';
import { embeddingsSettings, knowledgeSettings, limitDefaults, qualityDefaults, webhookSettings, type Config } from '../config.js';
import type { Database } from '../db/client.js';
import { createLlmClient } from '../llm/index.js';
import { createEmbeddingsClient, type EmbeddingsClient } from '../domain/knowledge/index.js';
import type { Logger } from '../logger.js';
import { connectTemporal } from '../temporal/connect.js';
import { reconcileClosedWorkflows } from '../temporal/reconcile-tasks.js';
import { resumeUnfinishedTasks } from '../temporal/resume-tasks.js';
import { ensureSearchAttributes } from '../temporal/search-attributes.js';
import { ensureUsageVerificationSchedule } from '../temporal/usage-verification-schedule.js';
import { startWebhookDeliveries } from '../temporal/webhook-deliveries.js';
import type { WorkflowBundle } from '../temporal/workflow-bundle.js';
import { createTaskWorkers, installTemporalRuntime } from '../temporal/workers.js';
import { retryStartupStep } from './retry-startup-step.js';

/** Deliveries unstarted for this long are the sweeper's: younger ones are between their commit and their start. */
const WEBHOOK_SWEEP_AGE_MS = 10_000;

/**
 * Starts the workers of one process and resumes tasks left without a workflow. `sdkMetricsAddress`: where the
 * Temporal SDK serves its own metrics (the process's /metrics proxies them). Every step that reaches
 * PostgreSQL or Temporal waits out their restarts (retryStartupStep), so a worker started during one polls
 * once it is over. `workflowBundle` (resolveWorkflowBundle) is a promise so its caller can start resolving
 * it first, beside the waits for PostgreSQL and Temporal.
 */
export async function startWorker(
  config: Config,
  database: Database,
  temporalAddress: string,
  codec: PayloadCodec & SecretSealer,
  log: Logger,
  workflowBundle: Promise<WorkflowBundle>,
  opts: { sdkMetricsAddress?: string } = {},
) {
  const step = <T>(name: string, fn: () => Promise<T>) => retryStartupStep(name, fn, { log });
  installTemporalRuntime('WARN', opts.sdkMetricsAddress ? { prometheusBindAddress: opts.sdkMetricsAddress } : {});
  const llm = createLlmClient({
    baseUrl: config.LLM_BASE_URL,
    apiKey: config.LLM_API_KEY,
    model: config.LLM_MODEL,
    timeoutMs: config.LLM_TIMEOUT_MS,
    streaming: config.LLM_STREAMING,
  });
  const connection = await step('connecting the worker to Temporal', () => NativeConnection.connect({ address: temporalAddress }));
  const temporal = await step('connecting the client to Temporal', () => connectTemporal(temporalAddress, config.TEMPORAL_NAMESPACE, codec));
  const added = await step('registering search attributes', () => ensureSearchAttributes(temporal.connection, config.TEMPORAL_NAMESPACE));
  if (added.length > 0) log.info({ added }, 'registered search attributes');

  const activities = createActivities({
    db: database.db,
    llm,
    log: log.child({ component: 'activities' }),
    llmTaskQueue: config.LLM_TASK_QUEUE,
    llmPolicy: {
      timeoutMs: config.LLM_TIMEOUT_MS,
      maxAttempts: config.LLM_MAX_ATTEMPTS,
      retryInitialMs: config.LLM_RETRY_INITIAL_MS,
      heartbeatTimeoutMs: config.LLM_HEARTBEAT_TIMEOUT_MS,
      maxRewrites: config.QUALITY_MAX_REWRITES,
    },
    limits: limitDefaults(config),
    quality: qualityDefaults(config),
    webhooks: webhookSettings(config),
    distillConcurrency: config.DISTILL_CONCURRENCY,
    knowledge: knowledgeSettings(config),
    ...withEmbeddings(config),
  });
  const extraActivities = createMaintenanceActivities({
    db: database.db,
    log: log.child({ component: 'maintenance' }),
    client: temporal.client,
    taskQueue: config.TASK_QUEUE,
    repairOnSchedule: config.USAGE_REPAIR_ON_SCHEDULE,
    limits: limitDefaults(config),
    auditRetentionDays: config.AUDIT_RETENTION_DAYS,
    webhooks: webhookSettings(config),
    sealer: codec,
  });
  const bundle = await workflowBundle;
  log.info({ codePath: bundle.codePath, hash: bundle.hash, source: bundle.source }, 'workflow bundle loaded from codePath');
  const workers = await createTaskWorkers({
    extraActivities,
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TASK_QUEUE,
    llmTaskQueue: config.LLM_TASK_QUEUE,
    activities,
    codec,
    llmConcurrency: config.LLM_CONCURRENCY,
    llmMaxRps: config.LLM_MAX_RPS,
    workflowBundle: { codePath: bundle.codePath },
  }, step);
  const running = workers.run();
  // The workers are RUNNING (polling both queues) from here; the rest of the start-up runs beside them.
  log.info({ sinceProcessStartMs: Math.round(process.uptime() * 1000) }, 'worker polling');
  await step('resuming unfinished tasks', () => resumeUnfinishedTasks(database.db, { client: temporal.client, taskQueue: config.TASK_QUEUE }, log));
  const webhookTarget = { client: temporal.client, taskQueue: config.TASK_QUEUE, webhooks: webhookSettings(config) };
  const reconcileTasks = () => reconcileClosedWorkflows(database.db, temporal.client, log);
  // The webhook sweeper: deliveries whose after-commit start was lost (a crash between commit and start).
  const sweepWebhooks = () =>
    startWebhookDeliveries(database.db, webhookTarget, { olderThanMs: WEBHOOK_SWEEP_AGE_MS }, log).then(
      (started) => started > 0 && log.warn({ started }, 'started webhook deliveries left unstarted'),
    );
  // Their failures other than an unreachable dependency are logged, as on every later round, not fatal.
  const reconcileFailed = (err: unknown) => log.error({ err: (err as Error).cause ?? err }, 'reconciling tasks failed');
  const sweepFailed = (err: unknown) => log.error({ err: (err as Error).cause ?? err }, 'sweeping webhook deliveries failed');
  await step('reconciling tasks', reconcileTasks).catch(reconcileFailed);
  await step('sweeping webhook deliveries', sweepWebhooks).catch(sweepFailed);
  const reconciler = setInterval(() => Promise.all([reconcileTasks().catch(reconcileFailed), sweepWebhooks().catch(sweepFailed)]), config.RECONCILE_INTERVAL_SECONDS * 1000);
  await step('ensuring the usage verification schedule', () =>
    ensureUsageVerificationSchedule(temporal.client, {
      scheduleId: config.USAGE_VERIFY_SCHEDULE_ID,
      intervalMinutes: config.USAGE_VERIFY_INTERVAL_MINUTES,
      taskQueue: config.TASK_QUEUE,
    }),
  ).then(
    (schedule) => log.info({ ...schedule, intervalMinutes: config.USAGE_VERIFY_INTERVAL_MINUTES }, 'usage verification schedule ready'),
    (err) => log.error({ err: (err as Error).cause ?? err }, 'could not create the usage verification schedule; verification runs only on request'),
  );
  log.info({ llm: `${llm.provider}/${llm.model}`, llmMaxRps: config.LLM_MAX_RPS ?? null, taskQueue: config.TASK_QUEUE, llmTaskQueue: config.LLM_TASK_QUEUE }, 'worker running');
  return {
    llm,
    running,
    async stop() {
      clearInterval(reconciler);
      workers.shutdown();
      await running.catch((err) => log.error({ err }, 'worker stopped with an error'));
      await temporal.close();
      await connection.close();
    },
  };
}

/** The embeddings client when EMBEDDINGS_BASE_URL is set: articles rank their passages as the search route does. */
function withEmbeddings(config: Config): { embeddings?: EmbeddingsClient } {
  const settings = embeddingsSettings(config);
  return settings ? { embeddings: createEmbeddingsClient(settings) } : {};
}
