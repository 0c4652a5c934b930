import { loadConfig } from './config.js';
import { connectDatabase } from './db/client.js';
import { runMigrations } from './db/migrate.js';
import { startTracing } from './infra/tracing/index.js';
import { createLogger } from './logger.js';
import { resolvePayloadCodec } from './server/payload-codec-keys.js';
import { sdkMetricsAddress, startMetricsEndpoint } from './server/metrics-endpoint.js';
import { retryStartupStep } from './server/retry-startup-step.js';
import { startWorker } from './server/run-worker.js';
import { onShutdownSignal } from './server/shutdown.js';
import { exitOnStartupError, requireSetting } from './server/startup.js';
import { waitForPostgres, waitForTemporal } from './server/wait-for-dependencies.js';
import { resolveWorkflowBundle } from './temporal/workflow-bundle.js';

/** `npm run worker`: a worker process against DATABASE_URL and TEMPORAL_ADDRESS; run as many as you like. */
async function main() {
  const config = loadConfig();
  const log = createLogger(config.LOG_LEVEL).child({ process: 'worker' });
  const url = requireSetting(config.DATABASE_URL, 'DATABASE_URL', 'npm run worker');
  const temporalAddress = config.TEMPORAL_ADDRESS ?? '127.0.0.1:7233';
  // Checked (compiled) or bundled on a cache miss (tsx) while the dependencies are waited for; a stale
  // or missing bundle ends the start at once, not once PostgreSQL and Temporal answer.
  const workflowBundle = resolveWorkflowBundle({ log });
  workflowBundle.catch(exitOnStartupError);
  const tracing = await startTracing({ endpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT, serviceName: config.OTEL_SERVICE_NAME ?? 'artgen-worker' }, log);
  const { codec } = await resolvePayloadCodec(config, { embedded: false, command: 'npm run worker' }, log.child({ component: 'payload-codec' }));
  await waitForPostgres(url, log);
  await retryStartupStep('applying migrations', () => runMigrations(url), { log });
  const database = connectDatabase(url, { max: config.DATABASE_POOL_SIZE });
  await waitForTemporal(temporalAddress, log);
  const sdkAddress = config.METRICS_PORT === undefined ? undefined : await sdkMetricsAddress();
  const metrics = await startMetricsEndpoint(config, database, { sdkAddress });
  if (metrics) log.info({ url: metrics.url }, 'metrics endpoint listening');
  const worker = await startWorker(config, database, temporalAddress, codec, log, workflowBundle, { sdkMetricsAddress: sdkAddress });
  onShutdownSignal(log, async () => {
    await worker.stop();
    await metrics?.close();
    await database.close();
    await tracing?.shutdown();
  });
}

main().catch(exitOnStartupError);
