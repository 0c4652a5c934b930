import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { findFreePort } from '../../src/infra/process-utils.js';
import { apiCall, waitForTaskEnd } from '../support/api-server.js';
import { parsePrometheusText, sumOf } from '../support/prometheus-parser.js';
import { ROOT, startServiceProcess, type ServiceProcess } from '../support/service-process.js';

/**
 * `npm start` runs the API and the worker in one process: one /metrics serves both (the HTTP metrics, the
 * worker's task, article and LLM metrics, the Temporal SDK's own), each metric registered once.
 */
const workDir = path.join(ROOT, '.data', `test-metrics-embedded-${randomBytes(4).toString('hex')}`);
let main: ServiceProcess | undefined;

beforeAll(() => mkdir(workDir, { recursive: true }));
afterAll(async () => {
  await main?.stop();
  await rm(workDir, { recursive: true, force: true });
});

it('npm start serves the API and the worker through one /metrics, each metric once', { timeout: 300_000 }, async () => {
  const env = {
    DATA_DIR: workDir,
    DATABASE_URL: '',
    TEMPORAL_ADDRESS: '',
    LLM_BASE_URL: '',
    EMBEDDED_PG_PORT: String(await findFreePort()),
    TEMPORAL_PORT: String(await findFreePort()),
    TEMPORAL_UI_PORT: String(await findFreePort()),
    PORT: String(await findFreePort()),
    METRICS_PORT: String(await findFreePort()),
  };
  main = startServiceProcess('src/main.ts', env);
  await main.waitForOutput(/artgen is ready/, 240_000);
  const metricsUrl = `http://127.0.0.1:${env.METRICS_PORT}/metrics`;
  expect(main.output()).toContain(`Metrics:      ${metricsUrl}`);

  const apiUrl = `http://127.0.0.1:${env.PORT}`;
  const key = (await readFile(path.join(workDir, 'api-key'), 'utf8')).trim();
  const imported = await apiCall(apiUrl, 'POST', '/api/distillations/import', { key, json: { distillations: [{ keyword: '嵌入指标一', topics: ['为什么?'] }, { keyword: '嵌入指标二', topics: ['怎么做?'] }] } });
  expect(imported.status, imported.text).toBeLessThan(300);
  const created = await apiCall(apiUrl, 'POST', '/api/article-generation/tasks', { key, json: { articleCount: 2 } });
  expect(created.status, created.text).toBe(201);
  const task = await waitForTaskEnd(created.body.taskId, async () => (await apiCall(apiUrl, 'GET', `/api/article-generation/tasks/${created.body.taskId}`, { key })).body, 120_000);
  expect(task.status).toBe('completed');

  const text = await fetch(metricsUrl).then((r) => r.text());
  const families = await parsePrometheusText(text);
  // Registered once: every family's TYPE line appears once.
  const typeLines = text.split('\n').filter((line) => line.startsWith('# TYPE '));
  expect(typeLines.length).toBe(new Set(typeLines.map((line) => line.split(' ')[2])).size);
  // The API's side and the worker's side in the same scrape.
  expect(sumOf(families, 'artgen_http_requests_total', { route: '/api/article-generation/tasks', method: 'POST', status: '201' })).toBe(1);
  expect(sumOf(families, 'artgen_articles_saved_total')).toBe(2);
  expect(sumOf(families, 'artgen_tasks_finished_total', { status: 'completed' })).toBe(1);
  expect(sumOf(families, 'artgen_llm_requests_total', { outcome: 'ok' })).toBeGreaterThanOrEqual(2);
  expect(sumOf(families, 'artgen_backlog_probe_up')).toBe(1);
  expect(families.some((f) => f.name.startsWith('temporal_') && f.samples.length > 0)).toBe(true);
  expect(text).not.toContain('嵌入指标');
});
