import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import type { PayloadCodec } from '@temporalio/common';
import { createApp } from '../api/app.js';
import { limitDefaults, type Config } from '../config.js';
import type { Database } from '../db/client.js';
import type { Logger } from '../logger.js';
import { connectTemporal } from '../temporal/connect.js';

/** Serves the HTTP API on `port` (0 picks a free one) and returns its URL. */
export async function serveApi(config: Config, database: Database, temporalAddress: string, codec: PayloadCodec, log: Logger, port = config.PORT) {
  const temporal = await connectTemporal(temporalAddress, config.TEMPORAL_NAMESPACE, codec);
  const app = createApp({
    db: database.db,
    temporal: { client: temporal.client, taskQueue: config.TASK_QUEUE, startTimeoutMs: config.WORKFLOW_START_TIMEOUT_MS },
    log: log.child({ component: 'api' }),
    defaultConcurrency: config.DEFAULT_TASK_CONCURRENCY,
    defaultTimeoutSeconds: config.DEFAULT_TASK_TIMEOUT_SECONDS,
    limits: limitDefaults(config),
    maxSchedulesPerAccount: config.MAX_SCHEDULES_PER_ACCOUNT,
    codec,
    codecCorsOrigins: config.TEMPORAL_CODEC_CORS_ORIGINS ?? [`http://127.0.0.1:${config.TEMPORAL_UI_PORT}`, `http://localhost:${config.TEMPORAL_UI_PORT}`],
  });
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port, hostname: config.HOST }, () => resolve(s));
    s.once('error', (err: NodeJS.ErrnoException) =>
      reject(err.code === 'EADDRINUSE' ? new Error(`port ${port} is in use; stop the other process or set PORT`) : err),
    );
  });
  const { port: actualPort } = server.address() as AddressInfo;
  return {
    url: `http://${config.HOST === '0.0.0.0' ? '127.0.0.1' : config.HOST}:${actualPort}`,
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
