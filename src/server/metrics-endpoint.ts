import type { Config } from '../config.js';
import type { Database } from '../db/client.js';
import { setBacklogProbe, type BacklogFigures } from '../infra/metrics/registry.js';
import { serveMetrics } from '../infra/metrics/serve.js';
import { findFreePort } from '../infra/process-utils.js';

/** A scrape waits at most this long for PostgreSQL's backlog figures, then serves the rest without them. */
const PROBE_TIMEOUT_MS = 2_000;
/** And at most this long for the Temporal SDK's own metrics. */
const SDK_SCRAPE_TIMEOUT_MS = 2_000;

/**
 * The backlog gauges' one query, read at scrape time: unfinished tasks by status, how long the stalest
 * running task has not moved, and the webhook outbox (pending deliveries, the oldest due one's age). Under a
 * statement timeout, so a slow database delays a scrape by PROBE_TIMEOUT_MS at most.
 */
export function backlogProbe(database: Database) {
  return async (): Promise<BacklogFigures> => {
    // The statement timeout bounds the query; this bounds waiting for a connection (PostgreSQL down).
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('backlog probe timed out')), PROBE_TIMEOUT_MS + 500);
    });
    const query = database.sql.begin(async (tx) => {
      await tx.unsafe(`SET LOCAL statement_timeout = ${PROBE_TIMEOUT_MS}`);
      return tx<{ tasks: Record<string, number>; stalest: number; stalled: number; pending: number; oldest: number }[]>`
        SELECT
          (SELECT coalesce(json_object_agg(status, n), '{}'::json) FROM (
             SELECT status, count(*)::int AS n FROM generation_tasks WHERE status IN ('pending', 'running', 'paused') GROUP BY status) s) AS tasks,
          (SELECT coalesce(extract(epoch FROM now() - min(updated_at)), 0)::float8 FROM generation_tasks WHERE status = 'running') AS stalest,
          (SELECT count(*)::int FROM generation_tasks WHERE status = 'running' AND updated_at < now() - interval '10 minutes') AS stalled,
          (SELECT count(*)::int FROM webhook_deliveries WHERE status = 'pending') AS pending,
          (SELECT coalesce(extract(epoch FROM now() - min(coalesce(not_before, created_at))), 0)::float8
             FROM webhook_deliveries WHERE status = 'pending' AND coalesce(not_before, created_at) <= now()) AS oldest`;
    });
    query.catch(() => undefined);
    const [row] = await Promise.race([query, deadline]).finally(() => clearTimeout(timer));
    return {
      tasks: { pending: 0, running: 0, paused: 0, ...row!.tasks },
      stalestRunningTaskSeconds: row!.stalest,
      tasksWithoutProgress: row!.stalled,
      webhookPending: row!.pending,
      webhookOldestPendingSeconds: row!.oldest,
    };
  };
}

/** The address the Temporal SDK's Prometheus exporter binds to: loopback, a free port; only this process's /metrics reads it. */
export async function sdkMetricsAddress(): Promise<string> {
  return `127.0.0.1:${await findFreePort('127.0.0.1')}`;
}

/** Reads the SDK's exporter; '' when it does not answer in time (a scrape never fails because of it). */
async function scrapeSdk(address: string): Promise<string> {
  try {
    const res = await fetch(`http://${address}/metrics`, { signal: AbortSignal.timeout(SDK_SCRAPE_TIMEOUT_MS) });
    return res.ok ? await res.text() : '';
  } catch {
    return '';
  }
}

/**
 * This process's `GET /metrics` when METRICS_PORT is set (null otherwise): our registry (HTTP, tasks, articles,
 * LLM, activities, webhooks, and the backlog read from `database`), followed by the Temporal SDK's own worker
 * metrics proxied from `sdkAddress` in a process that runs workers. One registry per process, so `npm start`
 * (API and worker together) serves both through one endpoint.
 */
export async function startMetricsEndpoint(config: Pick<Config, 'METRICS_PORT' | 'METRICS_HOST'>, database: Database, opts: { sdkAddress?: string } = {}) {
  if (config.METRICS_PORT === undefined) return null;
  setBacklogProbe(backlogProbe(database));
  const sdkAddress = opts.sdkAddress;
  return serveMetrics({
    host: config.METRICS_HOST,
    port: config.METRICS_PORT,
    ...(sdkAddress ? { appended: () => scrapeSdk(sdkAddress) } : {}),
  });
}
