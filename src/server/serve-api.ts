import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import type { PayloadCodec } from '@temporalio/common';
import type { SecretSealer } from '../domain/webhooks/index.js';
import { createApp } from './app.js';
import { createEmbeddingsClient, type EmbeddingsClient } from '../domain/knowledge/index.js';
import { embeddingsSettings, knowledgeSettings, limitDefaults, modelRegistry, qualityDefaults, webhookSettings, type Config } from '../config.js';
import { syncConfiguredModels } from '../domain/models/index.js';
import type { Database } from '../db/client.js';
import { StartupError } from '../infra/startup-error.js';
import type { Logger } from '../logger.js';
import { connectTemporal } from '../temporal/connect.js';
import type { DisplayDecoder } from '../temporal/payload-codec.js';

/** The URL clients use for an API bound to host:port (a wildcard bind is reached on loopback). */
export const apiUrlOf = (host: string, port: number) => `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`;

/**
 * Serves the HTTP API on `opts.port` (default PORT; 0 picks a free one) and returns its URL.
 * `embeddedUiUrl`: the UI of the dev server `npm start` runs, the console's link target unless TEMPORAL_UI_URL says otherwise.
 */
export async function serveApi(
  config: Config,
  database: Database,
  temporalAddress: string,
  codec: PayloadCodec & SecretSealer & DisplayDecoder,
  log: Logger,
  opts: { port?: number; apiKeyHint?: string; embeddedUiUrl?: string } = {},
) {
  const port = opts.port ?? config.PORT;
  await syncConfiguredModels(database.db, modelRegistry(config).models);
  const temporal = await connectTemporal(temporalAddress, config.TEMPORAL_NAMESPACE, codec);
  const app = createApp({
    db: database.db,
    temporal: { client: temporal.client, taskQueue: config.TASK_QUEUE, startTimeoutMs: config.WORKFLOW_START_TIMEOUT_MS },
    log: log.child({ component: 'api' }),
    defaultConcurrency: config.DEFAULT_TASK_CONCURRENCY,
    defaultTimeoutSeconds: config.DEFAULT_TASK_TIMEOUT_SECONDS,
    apiKeyHint: opts.apiKeyHint,
    limits: limitDefaults(config),
    quality: qualityDefaults(config),
    webhooks: webhookSettings(config),
    knowledge: knowledgeSettings(config),
    modelTimeoutMs: config.LLM_TIMEOUT_MS,
    ...withEmbeddings(config),
    temporalUiUrl: config.TEMPORAL_UI_URL ?? opts.embeddedUiUrl,
    codec,
    codecCorsOrigins: config.TEMPORAL_CODEC_CORS_ORIGINS ?? [`http://127.0.0.1:${config.TEMPORAL_UI_PORT}`, `http://localhost:${config.TEMPORAL_UI_PORT}`],
  });
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port, hostname: config.HOST }, () => resolve(s));
    s.once('error', (err: NodeJS.ErrnoException) =>
      reject(err.code === 'EADDRINUSE' ? new StartupError(`port ${port} on ${config.HOST} is already in use by another process; stop it or set PORT to a free port`) : err),
    );
  });
  const { port: actualPort } = server.address() as AddressInfo;
  return {
    url: apiUrlOf(config.HOST, actualPort),
    async close() {
      // Open event streams would keep close() waiting forever: end them with the rest.
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        if ('closeAllConnections' in server) server.closeAllConnections();
      });
      await temporal.close();
    },
  };
}

/** The embeddings client when EMBEDDINGS_BASE_URL is set. */
function withEmbeddings(config: Config): { embeddings?: EmbeddingsClient } {
  const settings = embeddingsSettings(config);
  return settings ? { embeddings: createEmbeddingsClient(settings) } : {};
}
