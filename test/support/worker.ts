import { randomUUID } from 'node:crypto';
import { NativeConnection } from '@temporalio/worker';
import { inject } from 'vitest';
import { createActivities } from '../../src/activities/index.js';
import type { LlmPolicy } from '../../src/workflows/contracts.js';
import { createMaintenanceActivities } from '../../src/activities/maintenance.js';
import { DEFAULT_QUALITY, type KnowledgeSettings, type RouterSettings, type WebhookSettings } from '../../src/config.js';
import type { EmbeddingsClient } from '../../src/domain/knowledge/index.js';
import type { Database } from '../../src/db/client.js';
import type { QualitySettings } from '../../src/shared/quality.js';
import { createOpenAiClient, type LlmClient } from '../../src/llm/index.js';
import type { ModelCatalog } from '../../src/llm/models/clients.js';
import { createLogger, type Logger } from '../../src/logger.js';
import { connectTemporal } from '../../src/temporal/connect.js';
import { startTaskWorkflow } from '../../src/temporal/start-task-workflow.js';
import { createTaskWorkers, installTemporalRuntime } from '../../src/temporal/workers.js';
import { taskWorkflowId } from '../../src/domain/tasks/workflow-id.js';
import { TEST_PAYLOAD_CODEC } from './payload-codec.js';
import { TEST_WEBHOOK_SETTINGS } from './webhook-receiver.js';

export const FAST_POLICY: LlmPolicy = { timeoutMs: 2_000, maxAttempts: 4, retryInitialMs: 100, heartbeatTimeoutMs: 5_000, maxRewrites: 2 };

export interface TestWorkerOptions {
  /** The LLM worker's maxConcurrentActivityTaskExecutions; default 50. */
  llmConcurrency?: number;
  /** The LLM queue's server-side rate limit (maxTaskQueueActivitiesPerSecond); default none. */
  llmMaxRps?: number;
  /** The scheduled usage verification repairs what it finds. */
  repairOnSchedule?: boolean;
  /** The quality gate of accounts without their own; default TEST_QUALITY. */
  quality?: QualitySettings;
  /** Webhook sending; TEST_WEBHOOK_SETTINGS (loopback targets allowed, fast retries) unless given. */
  webhooks?: WebhookSettings;
  /** The knowledge token budget of a prompt; DEFAULT_KNOWLEDGE unless given. */
  knowledge?: KnowledgeSettings;
  /** An embeddings endpoint: articles rank their passages by text and embedding fused; text alone unless given. */
  embeddings?: EmbeddingsClient;
  /** The main task queue, for a worker that joins workflows started before it; a new unique one unless given. */
  taskQueue?: string;
  /** The LLM client (the offline generator, say); an OpenAI-compatible client on `llmBaseUrl` unless given. */
  llm?: LlmClient;
  /** The model registry's clients (sealed keys opened with the test codec); around `llm` alone unless given. */
  models?: ModelCatalog;
  /** How the model router fails over (breaker threshold and cool-down); DEFAULT_ROUTER unless given. */
  routerSettings?: RouterSettings;
  /** A Temporal server of the test's own (one with its Web UI); the test run's server unless given. */
  temporalAddress?: string;
  /** The activities' logger, for a test that reads what operators see; silent unless given. */
  log?: Logger;
}

/**
 * The config defaults without the near-duplicate check: the stub's articles differ only in their keyword,
 * so they are near duplicates of each other by design. Quality tests turn it on per account.
 */
export const TEST_QUALITY: QualitySettings = { ...DEFAULT_QUALITY, nearDuplicateMaxDistance: null };

/**
 * A real worker (both queues, queue names unique to the test) on the real Temporal dev server, using
 * the prebuilt workflow bundle and an OpenAI-compatible client pointed at `llmBaseUrl`.
 */
export async function startTestWorker(
  database: Database,
  llmBaseUrl: string,
  policy: Partial<LlmPolicy> = {},
  options: TestWorkerOptions = {},
) {
  installTemporalRuntime('ERROR');
  const address = options.temporalAddress ?? inject('temporalAddress');
  const suffix = randomUUID().slice(0, 8);
  const taskQueue = options.taskQueue ?? `test-tasks-${suffix}`;
  const llmTaskQueue = `test-llm-${suffix}`;
  const llmPolicy = { ...FAST_POLICY, ...policy };
  const connection = await NativeConnection.connect({ address });
  const temporal = await connectTemporal(address, 'default', TEST_PAYLOAD_CODEC);
  const activities = createActivities({
    db: database.db,
    llm: options.llm ?? createOpenAiClient({ baseUrl: llmBaseUrl, model: 'stub-model', timeoutMs: llmPolicy.timeoutMs }),
    log: options.log ?? createLogger('silent'),
    llmTaskQueue,
    llmPolicy,
    ...(options.models ? { models: options.models } : {}),
    ...(options.routerSettings ? { routerSettings: options.routerSettings } : {}),
    ...(options.knowledge ? { knowledge: options.knowledge } : {}),
    ...(options.embeddings ? { embeddings: options.embeddings } : {}),
    quality: options.quality ?? TEST_QUALITY,
    webhooks: options.webhooks ?? TEST_WEBHOOK_SETTINGS,
  });
  const extraActivities = createMaintenanceActivities({
    db: database.db,
    log: options.log ?? createLogger('silent'),
    client: temporal.client,
    taskQueue,
    repairOnSchedule: options.repairOnSchedule ?? false,
    auditRetentionDays: 90,
    webhooks: options.webhooks ?? TEST_WEBHOOK_SETTINGS,
    sealer: TEST_PAYLOAD_CODEC,
  });
  const workers = await createTaskWorkers({
    extraActivities,
    connection,
    namespace: 'default',
    taskQueue,
    llmTaskQueue,
    activities,
    codec: TEST_PAYLOAD_CODEC,
    llmConcurrency: options.llmConcurrency ?? 50,
    llmMaxRps: options.llmMaxRps,
    workflowBundle: { codePath: inject('workflowBundlePath') },
  });
  const running = workers.run();
  const target = { client: temporal.client, taskQueue };
  return {
    taskQueue,
    client: temporal.client,
    target,
    /** Starts the task's workflow and waits for its result. */
    async runTask(task: { id: number; accountId: number; priority: number }) {
      await startTaskWorkflow(target, task);
      return temporal.client.workflow.getHandle(taskWorkflowId(task.id)).result();
    },
    async stop() {
      workers.shutdown();
      await running;
      await temporal.close();
      await connection.close();
    },
  };
}
