import { loadConfig } from './config.js';
import { connectDatabase } from './db/client.js';
import { runMigrations } from './db/migrate.js';
import { startTracing } from './infra/tracing/index.js';
import { createLogger } from './logger.js';
import { resolvePayloadCodec } from './server/payload-codec-keys.js';
import { startMetricsEndpoint } from './server/metrics-endpoint.js';
import { retryStartupStep } from './server/retry-startup-step.js';
import { serveApi } from './server/serve-api.js';
import { onShutdownSignal } from './server/shutdown.js';
import { exitOnStartupError, requireFreeApiPort, requireSetting } from './server/startup.js';
import { waitForPostgres, waitForTemporal } from './server/wait-for-dependencies.js';

/** `npm run api`: the HTTP API alone, against DATABASE_URL and TEMPORAL_ADDRESS. */
async function main() {
  const config = loadConfig();
  const log = createLogger(config.LOG_LEVEL).child({ process: 'api' });
  const url = requireSetting(config.DATABASE_URL, 'DATABASE_URL', 'npm run api');
  const temporalAddress = config.TEMPORAL_ADDRESS ?? '127.0.0.1:7233';
  await requireFreeApiPort(config.PORT, config.HOST);
  const tracing = await startTracing({ endpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT, serviceName: config.OTEL_SERVICE_NAME ?? 'artgen-api' }, log);
  const { codec } = await resolvePayloadCodec(config, { embedded: false, command: 'npm run api' }, log.child({ component: 'payload-codec' }));
  await waitForPostgres(url, log);
  await retryStartupStep('applying migrations', () => runMigrations(url), { log });
  const database = connectDatabase(url, { max: config.DATABASE_POOL_SIZE });
  await waitForTemporal(temporalAddress, log);
  const metrics = await startMetricsEndpoint(config, database);
  if (metrics) log.info({ url: metrics.url }, 'metrics endpoint listening');
  const api = await serveApi(config, database, temporalAddress, codec, log);
  log.info({ url: api.url }, 'API listening');
  onShutdownSignal(log, async () => {
    await api.close();
    await metrics?.close();
    await database.close();
    await tracing?.shutdown();
  });
}

main().catch(exitOnStartupError);
