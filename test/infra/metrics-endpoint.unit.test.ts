import { afterAll, beforeAll, expect, it } from 'vitest';
import { connectDatabase, type Database } from '../../src/db/client.js';
import { findFreePort } from '../../src/infra/process-utils.js';
import { startMetricsEndpoint } from '../../src/server/metrics-endpoint.js';

/**
 * The endpoint with PostgreSQL and the SDK's exporter both unreachable: a scrape still answers, without
 * the backlog gauges and saying so (artgen_backlog_probe_up 0), instead of failing or hanging.
 */
let database: Database;
let endpoint: Awaited<ReturnType<typeof startMetricsEndpoint>>;

beforeAll(async () => {
  // Nothing listens on these ports: connections are refused at once.
  database = connectDatabase(`postgres://artgen:artgen@127.0.0.1:${await findFreePort()}/artgen`, { max: 1 });
  endpoint = await startMetricsEndpoint({ METRICS_PORT: 0, METRICS_HOST: '127.0.0.1' }, database, { sdkAddress: `127.0.0.1:${await findFreePort()}` });
});
afterAll(async () => {
  await endpoint?.close();
  await database?.close();
});

it('answers without the backlog gauges when PostgreSQL and the SDK exporter are unreachable', async () => {
  const res = await fetch(endpoint!.url);
  expect(res.status).toBe(200);
  const text = await res.text();
  expect(text).toMatch(/^artgen_backlog_probe_up 0$/m);
  expect(text).not.toMatch(/^artgen_tasks\{/m);
  expect(text).not.toMatch(/^artgen_webhook_outbox_pending /m);
  expect(text).toMatch(/^artgen_tasks_finished_total\{status="completed"\} 0$/m);
  expect(text).not.toContain('temporal_');
});

it('serves GET /metrics only', async () => {
  const base = endpoint!.url.replace(/\/metrics$/, '');
  expect((await fetch(`${base}/`)).status).toBe(404);
  expect((await fetch(`${base}/metrics`, { method: 'POST' })).status).toBe(405);
  expect((await fetch(`${base}/metrics?x=1`)).status).toBe(200);
});
