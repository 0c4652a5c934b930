import { randomUUID } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { connectDatabase, type Database } from '../../src/db/client.js';
import { findFreePort } from '../../src/infra/process-utils.js';
import { apiCall, waitFor, waitForTaskEnd } from '../support/api-server.js';
import { createIsolatedDatabase, newAccount } from '../support/db.js';
import { startLlmStub, type LlmStub } from '../support/llm-stub.js';
import { parsePrometheusText, samplesOf, selectableNames, sumOf, type MetricFamily } from '../support/prometheus-parser.js';
import { metricNamesIn } from '../support/promql-names.js';
import { ROOT, startServiceProcess, type ServiceProcess } from '../support/service-process.js';
import { startWebhookReceiver } from '../support/webhook-receiver.js';

/**
 * `npm run api` and `npm run worker` as real processes, each with its own METRICS_PORT: after a task of
 * known size the counters of their /metrics agree with the database, the text parses with Prometheus's own
 * Python parser, and every metric the dashboard and the alert rules in deploy/ name exists in a real scrape.
 */
const suffix = randomUUID().slice(0, 8);
const queues = { TASK_QUEUE: `metrics-tasks-${suffix}`, LLM_TASK_QUEUE: `metrics-llm-${suffix}`, USAGE_VERIFY_SCHEDULE_ID: `metrics-usage-${suffix}` };
/** Words a user wrote: none may reach a metric's name or label. */
const KEYWORDS = [`指标词-${suffix}-一`, `指标词-${suffix}-二`, `指标词-${suffix}-三`, `指标词-${suffix}-四`];
const ARTICLES = 3;
const TASKS = '/api/article-generation/tasks';

let database: Database;
let stub: LlmStub;
let worker: ServiceProcess;
let api: ServiceProcess;
let apiUrl: string;
let apiMetricsUrl: string;
let workerMetricsUrl: string;
let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
let key: string;
let taskId: number;
const scraped: { api?: string; worker?: string } = {};

async function scrape(url: string): Promise<string> {
  const res = await fetch(url);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return res.text();
}

beforeAll(async () => {
  const databaseUrl = await createIsolatedDatabase(`artgen_metrics_${suffix}`);
  database = connectDatabase(databaseUrl, { max: 3 });
  stub = await startLlmStub({ latencyMs: 0 });
  // The first LLM request fails with a 503 (retried): the error counter has one to count.
  stub.setBehavior((req) => (req.index === 0 ? { status: 503, errorMessage: 'overloaded' } : {}));
  const [apiPort, apiMetricsPort, workerMetricsPort] = [await findFreePort(), await findFreePort(), await findFreePort()];
  const env = {
    ...queues,
    DATABASE_URL: databaseUrl,
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    LLM_BASE_URL: stub.url,
    LLM_MODEL: 'metrics-model',
    LLM_RETRY_INITIAL_MS: '100',
    QUALITY_NEAR_DUPLICATE_MAX_DISTANCE: 'off',
    WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
    WEBHOOK_RETRY_INITIAL_MS: '100',
  };
  worker = startServiceProcess('src/worker.ts', { ...env, METRICS_PORT: String(workerMetricsPort) }, 'worker');
  api = startServiceProcess('src/api-server.ts', { ...env, PORT: String(apiPort), HOST: '127.0.0.1', METRICS_PORT: String(apiMetricsPort) }, 'api');
  await Promise.all([worker.waitForOutput(/worker running/), api.waitForOutput(/API listening/)]);
  apiUrl = `http://127.0.0.1:${apiPort}`;
  apiMetricsUrl = `http://127.0.0.1:${apiMetricsPort}/metrics`;
  workerMetricsUrl = `http://127.0.0.1:${workerMetricsPort}/metrics`;
  let secret = '';
  receiver = await startWebhookReceiver(() => secret);
  ({ apiKey: key } = await newAccount(database));
  const hook = await apiCall(apiUrl, 'POST', '/api/webhooks', { key, json: { url: receiver.url, events: ['task.completed'] } });
  expect(hook.status, hook.text).toBe(201);
  secret = hook.body.secret;
  const imported = await apiCall(apiUrl, 'POST', '/api/distillations/import', { key, json: { distillations: KEYWORDS.map((keyword) => ({ keyword, topics: [`${keyword} 是什么?`] })) } });
  expect(imported.status, imported.text).toBeLessThan(300);
  const created = await apiCall(apiUrl, 'POST', TASKS, { key, json: { articleCount: ARTICLES, concurrency: 1 } });
  expect(created.status, created.text).toBe(201);
  taskId = created.body.taskId;
  const task = await waitForTaskEnd(taskId, async () => (await apiCall(apiUrl, 'GET', `${TASKS}/${taskId}`, { key })).body, 120_000);
  expect(task.status).toBe('completed');
  // The task.completed webhook is delivered after the task's end: wait for its delivery to finish.
  await waitFor('the webhook delivery', async () => {
    const [row] = await database.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM webhook_deliveries WHERE status = 'succeeded'`;
    return row!.n === 1 ? true : undefined;
  }, 60_000);
  // A path no route has: it must be counted under a pattern, never under the path a client chose.
  expect((await apiCall(apiUrl, 'GET', `/api/no-such-${suffix}`, { key })).status).toBe(404);
}, 300_000);

afterAll(async () => {
  await api?.stop();
  await worker?.stop();
  await receiver?.close();
  await stub?.close();
  await database?.close();
});

describe('GET /metrics of the API and of a worker process', () => {
  let apiFamilies: MetricFamily[];
  let workerFamilies: MetricFamily[];

  it('parse with the Prometheus parser, and the counters equal what the database says', { timeout: 300_000 }, async () => {
    scraped.api = await scrape(apiMetricsUrl);
    scraped.worker = await scrape(workerMetricsUrl);
    if (process.env.METRICS_SCRAPE_DIR) {
      await writeFile(path.join(process.env.METRICS_SCRAPE_DIR, 'api.prom'), scraped.api);
      await writeFile(path.join(process.env.METRICS_SCRAPE_DIR, 'worker.prom'), scraped.worker);
    }
    apiFamilies = await parsePrometheusText(scraped.api);
    workerFamilies = await parsePrometheusText(scraped.worker);

    const [db] = await database.sql<{ saved: number; completed: number; prompt: number; completion: number; attempts: number; flagged: number }[]>`
      SELECT (SELECT count(*)::int FROM articles) AS saved,
             (SELECT count(*)::int FROM generation_tasks WHERE status = 'completed') AS completed,
             (SELECT coalesce(sum(prompt_tokens), 0)::int FROM articles) AS prompt,
             (SELECT coalesce(sum(completion_tokens), 0)::int FROM articles) AS completion,
             (SELECT count(*)::int FROM webhook_delivery_attempts WHERE status = 'succeeded') AS attempts,
             (SELECT count(*)::int FROM articles WHERE jsonb_array_length(quality_flags) > 0) AS flagged`;
    expect(db!.saved).toBe(ARTICLES);
    expect(db!.completed).toBe(1);

    // The worker: articles, tasks, LLM requests (the 503 included), tokens, queue latency, webhooks.
    expect(sumOf(workerFamilies, 'artgen_articles_saved_total')).toBe(db!.saved);
    expect(sumOf(workerFamilies, 'artgen_articles_flagged_total')).toBe(db!.flagged);
    expect(sumOf(workerFamilies, 'artgen_tasks_finished_total', { status: 'completed' })).toBe(db!.completed);
    expect(sumOf(workerFamilies, 'artgen_tasks_finished_total', { status: 'failed' })).toBe(0);
    expect(sumOf(workerFamilies, 'artgen_llm_requests_total')).toBe(stub.requests.length);
    expect(sumOf(workerFamilies, 'artgen_llm_requests_total', { model: 'metrics-model', outcome: 'ok' })).toBe(ARTICLES);
    expect(sumOf(workerFamilies, 'artgen_llm_requests_total', { model: 'metrics-model', outcome: 'server_error' })).toBe(1);
    expect(sumOf(workerFamilies, 'artgen_llm_request_duration_seconds_count', { model: 'metrics-model' })).toBe(stub.requests.length);
    expect(sumOf(workerFamilies, 'artgen_llm_tokens_sum', { model: 'metrics-model', kind: 'prompt' })).toBe(db!.prompt);
    expect(sumOf(workerFamilies, 'artgen_llm_tokens_sum', { model: 'metrics-model', kind: 'completion' })).toBe(db!.completion);
    expect(sumOf(workerFamilies, 'artgen_activity_schedule_to_start_seconds_count', { activity_type: 'generateArticle', task_queue: queues.LLM_TASK_QUEUE })).toBe(stub.requests.length);
    expect(sumOf(workerFamilies, 'artgen_activity_schedule_to_start_seconds_count', { activity_type: 'saveArticle' })).toBeGreaterThanOrEqual(ARTICLES);
    expect(sumOf(workerFamilies, 'artgen_webhook_attempts_total', { outcome: 'succeeded' })).toBe(db!.attempts);
    expect(sumOf(workerFamilies, 'artgen_webhook_deliveries_total', { outcome: 'succeeded' })).toBe(1);
    // The Temporal SDK's own worker metrics, proxied into the same scrape.
    expect(workerFamilies.some((f) => f.name.startsWith('temporal_') && f.samples.length > 0), 'the SDK metrics are in the worker scrape').toBe(true);

    // The API: requests by route pattern, method and status; the backlog read from the database at scrape time.
    expect(sumOf(apiFamilies, 'artgen_http_requests_total', { route: TASKS, method: 'POST', status: '201' })).toBe(1);
    expect(sumOf(apiFamilies, 'artgen_http_requests_total', { route: `${TASKS}/:id`, method: 'GET', status: '200' })).toBeGreaterThanOrEqual(1);
    expect(sumOf(apiFamilies, 'artgen_http_request_duration_seconds_count', { route: TASKS, method: 'POST', status: '201' })).toBe(1);
    expect(sumOf(apiFamilies, 'artgen_http_requests_total', { route: 'unmatched', method: 'GET', status: '404' })).toBe(1);
    expect(sumOf(apiFamilies, 'artgen_backlog_probe_up')).toBe(1);
    expect(sumOf(apiFamilies, 'artgen_tasks', { status: 'running' })).toBe(0);
    expect(sumOf(apiFamilies, 'artgen_webhook_outbox_pending')).toBe(0);
    expect(samplesOf(apiFamilies, 'artgen_rate_limit_refusals_total', { code: 'RATE_LIMITED' })).toHaveLength(1);

    // Nothing a user wrote or an id names a series: no keyword, no path, no task id in any label.
    for (const text of [scraped.api, scraped.worker]) {
      for (const keyword of KEYWORDS) expect(text).not.toContain(keyword);
      expect(text).not.toContain(`no-such-${suffix}`);
      expect(text).not.toContain(`${TASKS}/${taskId}`);
    }
    for (const families of [apiFamilies, workerFamilies]) {
      for (const s of families.flatMap((f) => f.samples)) {
        for (const [label, value] of Object.entries(s.labels)) {
          if (label === 'task_queue' || label === 'le' || label === 'quantile') continue;
          expect(value, `${s.name}{${label}}`).not.toMatch(new RegExp(`(^|\\D)${taskId}(\\D|$)`));
        }
      }
    }
  });

  it('names in deploy/ (the Grafana dashboard and the alert rules) all exist in these scrapes', async () => {
    expect(apiFamilies && workerFamilies, 'the scrapes of the first test').toBeTruthy();
    const known = new Set([...selectableNames(apiFamilies), ...selectableNames(workerFamilies)]);
    const dashboard = JSON.parse(await readFile(path.join(ROOT, 'deploy/grafana/artgen-dashboard.json'), 'utf8'));
    const rules = parseYaml(await readFile(path.join(ROOT, 'deploy/prometheus/artgen-alerts.yml'), 'utf8'));
    const panelExprs: string[] = dashboard.panels.flatMap((p: { targets?: { expr: string }[] }) => (p.targets ?? []).map((t) => t.expr));
    const ruleExprs: string[] = rules.groups.flatMap((g: { rules: { expr: string }[] }) => g.rules.map((r) => r.expr));
    expect(panelExprs.length).toBeGreaterThanOrEqual(8);
    const alertNames = rules.groups.flatMap((g: { rules: { alert: string }[] }) => g.rules.map((r) => r.alert));
    expect(alertNames).toEqual(expect.arrayContaining(['ArtgenTaskFailureRate', 'ArtgenLlmErrorRate', 'ArtgenTasksWithoutProgress', 'ArtgenWebhookBacklogAge', 'ArtgenScheduleToStartLatency']));
    const missing: string[] = [];
    for (const expr of [...panelExprs, ...ruleExprs]) {
      const names = metricNamesIn(expr);
      expect(names.length, `no metric in ${expr}`).toBeGreaterThan(0);
      for (const name of names) if (!known.has(name)) missing.push(`${name} (in ${expr})`);
    }
    expect(missing).toEqual([]);
  });
});
