import { randomUUID } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { connectDatabase, type Database } from '../../src/db/client.js';
import { taskWorkflowId } from '../../src/domain/tasks/workflow-id.js';
import { findFreePort } from '../../src/infra/process-utils.js';
import { encryptedDataConverter } from '../../src/temporal/data-converter.js';
import { apiCall, waitFor, waitForTaskEnd } from '../support/api-server.js';
import { createIsolatedDatabase, newAccount } from '../support/db.js';
import { startLlmStub, type LlmStub } from '../support/llm-stub.js';
import { startOtlpReceiver, type ReceivedSpan } from '../support/otlp-receiver.js';
import { TEST_PAYLOAD_CODEC } from '../support/payload-codec.js';
import { replayWithCurrentCode } from '../support/replay.js';
import { ROOT, startServiceProcess } from '../support/service-process.js';

/**
 * `npm run api` and `npm run worker` as real processes. With OTEL_EXPORTER_OTLP_ENDPOINT set to a receiver of
 * the test's own, one task is one trace: the API's server span is its root, and the workflow start, the
 * workflow, its activities, the LLM calls and the saves are its descendants; the worker's log lines inside it
 * carry its trace id. Without the variable nothing is exported and the OpenTelemetry SDK is never loaded.
 */
const TASKS = '/api/article-generation/tasks';
const ARTICLES = 2;
const MODEL = 'trace-model';
const HOOK = path.join(ROOT, 'test/support/loaded-modules.mjs');

const stops: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const stop of stops.reverse()) await stop().catch(() => undefined);
});

/** An API and a worker over a fresh database, their OpenTelemetry module loads listed in a file; resolves once both serve. */
async function startProcesses(name: string, stub: LlmStub, extraEnv: Record<string, string>) {
  const suffix = randomUUID().slice(0, 8);
  const databaseUrl = await createIsolatedDatabase(`artgen_${name}_${suffix}`);
  const database = connectDatabase(databaseUrl, { max: 2 });
  stops.push(() => database.close());
  const loadedModules = path.join(ROOT, '.data', `otel-modules-${name}-${suffix}.txt`);
  await writeFile(loadedModules, '');
  const apiPort = await findFreePort();
  const env = {
    DATABASE_URL: databaseUrl,
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    TASK_QUEUE: `${name}-tasks-${suffix}`,
    LLM_TASK_QUEUE: `${name}-llm-${suffix}`,
    USAGE_VERIFY_SCHEDULE_ID: `${name}-usage-${suffix}`,
    LLM_BASE_URL: stub.url,
    LLM_MODEL: MODEL,
    LLM_RETRY_INITIAL_MS: '100',
    QUALITY_NEAR_DUPLICATE_MAX_DISTANCE: 'off',
    NODE_OPTIONS: `--import=${HOOK}`,
    LOADED_MODULES_FILE: loadedModules,
    ...extraEnv,
  };
  const worker = startServiceProcess('src/worker.ts', env, `${name} worker`);
  const api = startServiceProcess('src/api-server.ts', { ...env, PORT: String(apiPort), HOST: '127.0.0.1' }, `${name} api`);
  stops.push(() => api.stop(), () => worker.stop());
  await Promise.all([worker.waitForOutput(/worker running/), api.waitForOutput(/API listening/)]);
  return { database, api, worker, apiUrl: `http://127.0.0.1:${apiPort}`, loadedModules: () => readFile(loadedModules, 'utf8') };
}

/** One finished task of ARTICLES articles over keywords nobody else uses; the first LLM request fails with a 503 (retried). */
async function runTask(database: Database, apiUrl: string, stub: LlmStub) {
  const tag = randomUUID().slice(0, 8);
  const keywords = Array.from({ length: ARTICLES }, (_, i) => `追踪词-${tag}-${i}`);
  stub.setBehavior((req) => (req.index === 0 ? { status: 503, errorMessage: 'overloaded' } : {}));
  const { apiKey: key } = await newAccount(database);
  const imported = await apiCall(apiUrl, 'POST', '/api/distillations/import', { key, json: { distillations: keywords.map((keyword) => ({ keyword, topics: [`${keyword} 怎么用?`] })) } });
  expect(imported.status, imported.text).toBeLessThan(300);
  const created = await apiCall(apiUrl, 'POST', TASKS, { key, json: { articleCount: ARTICLES, concurrency: 1 } });
  expect(created.status, created.text).toBe(201);
  const taskId = created.body.taskId as number;
  const task = await waitForTaskEnd(taskId, async () => (await apiCall(apiUrl, 'GET', `${TASKS}/${taskId}`, { key })).body, 120_000);
  expect(task.status).toBe('completed');
  return { taskId, keywords };
}

/** The span's ancestors' names, nearest first. */
function ancestorsOf(span: ReceivedSpan, byId: Map<string, ReceivedSpan>) {
  const names: string[] = [];
  for (let p = span.parentSpanId ? byId.get(span.parentSpanId) : undefined; p; p = p.parentSpanId ? byId.get(p.parentSpanId) : undefined) names.push(p.name);
  return names;
}

describe('tracing on (OTEL_EXPORTER_OTLP_ENDPOINT set)', () => {
  it('one task is one trace: the create request is the root, the workflow, every activity, the LLM calls and the saves descend from it', { timeout: 300_000 }, async () => {
    const receiver = await startOtlpReceiver();
    const stub = await startLlmStub({ latencyMs: 0 });
    stops.push(() => receiver.close(), () => stub.close());
    const { database, apiUrl, worker, loadedModules } = await startProcesses('traced', stub, { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url });
    const { taskId, keywords } = await runTask(database, apiUrl, stub);

    const root = await waitFor('the create request span', async () => receiver.spans.find((s) => s.name === `POST ${TASKS}`), 60_000);
    const inTrace = () => receiver.spans.filter((s) => s.traceId === root.traceId);
    // The workflow's span is exported when the run ends, the rest in batches: wait for the last of them.
    await waitFor('the workflow span', async () => inTrace().find((s) => s.name === 'RunWorkflow:articleGenerationWorkflow'), 60_000);
    await waitFor('the finishTask span', async () => inTrace().find((s) => s.name === 'RunActivity:finishTask'), 60_000);
    const spans = inTrace();
    const byId = new Map(spans.map((s) => [s.spanId, s]));

    // The root: the API's server span, named by route pattern, with no parent.
    expect(root).toMatchObject({ service: 'artgen-api', kind: 2, attributes: { 'http.request.method': 'POST', 'http.route': TASKS, 'http.response.status_code': 201 } });
    expect(root.parentSpanId ?? '').toBe('');
    expect(spans.filter((s) => !s.parentSpanId).map((s) => s.name)).toEqual([root.name]);
    // Every other span hangs off a span of the same trace: the tree is whole.
    for (const s of spans) if (s !== root) expect(byId.has(s.parentSpanId!), `${s.name}'s parent is in the trace`).toBe(true);

    const named = (name: string) => spans.filter((s) => s.name === name);
    const start = named('StartWorkflow:articleGenerationWorkflow');
    expect(start.map((s) => [s.service, ancestorsOf(s, byId)])).toEqual([['artgen-api', [root.name]]]);
    const run = named('RunWorkflow:articleGenerationWorkflow');
    expect(run.map((s) => [s.service, ancestorsOf(s, byId)])).toEqual([['artgen-worker', [start[0]!.name, root.name]]]);
    for (const activity of ['startTask', 'generateArticle', 'saveArticle', 'finishTask']) {
      const runs = named(`RunActivity:${activity}`);
      expect(runs.length, activity).toBeGreaterThan(0);
      for (const s of runs) expect(ancestorsOf(s, byId).slice(0, 2), activity).toEqual([`StartActivity:${activity}`, run[0]!.name]);
    }
    // The save: one per article; the LLM: one client span per request (the 503 too), inside an article attempt.
    expect(named('RunActivity:saveArticle')).toHaveLength(ARTICLES);
    const chats = named(`chat ${MODEL}`);
    expect(chats).toHaveLength(stub.requests.length);
    expect(chats).toHaveLength(ARTICLES + 1);
    for (const chat of chats) {
      expect(chat).toMatchObject({ service: 'artgen-worker', kind: 3, attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.system': 'openai-compatible', 'gen_ai.request.model': MODEL } });
      expect(ancestorsOf(chat, byId)[0]).toBe('RunActivity:generateArticle');
    }
    const failed = chats.filter((c) => c.status?.code === 2);
    expect(failed.map((c) => c.attributes['error.type'])).toEqual(['server_error']);
    const answered = chats.filter((c) => c.status?.code !== 2);
    for (const chat of answered) expect(chat.attributes['gen_ai.usage.output_tokens']).toBeGreaterThan(0);
    // Never tenant text: no keyword or topic in any span's name, attributes or status.
    const spanText = JSON.stringify(receiver.spans);
    for (const keyword of keywords) expect(spanText).not.toContain(keyword);

    // A worker log line written inside the trace (the 503's retry warning) carries its trace id.
    const lines = worker.output().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
    const warned = lines.find((l) => l.msg === 'article generation attempt failed');
    expect(warned).toMatchObject({ trace_id: root.traceId });
    expect(byId.has(warned!.span_id as string)).toBe(true);

    // The SDK was loaded here (the control for the untraced run's check below).
    expect(await loadedModules()).toContain('/node_modules/@opentelemetry/sdk-trace-base/');

    // A traced run's history replays with the current bundle; RECORD_WORKFLOW_HISTORIES=1 keeps it as a fixture.
    const connection = await Connection.connect({ address: inject('temporalAddress') });
    stops.push(() => connection.close());
    const client = new Client({ connection, dataConverter: encryptedDataConverter(TEST_PAYLOAD_CODEC) });
    const history = await client.workflow.getHandle(taskWorkflowId(taskId)).fetchHistory();
    expect(JSON.stringify(history)).toContain('_tracer-data');
    await replayWithCurrentCode(history, taskWorkflowId(taskId));
    if (process.env.RECORD_WORKFLOW_HISTORIES) {
      await writeFile(path.resolve(import.meta.dirname, '../fixtures/histories/traced-two-article-task.json'), JSON.stringify(history));
    }
  });
});

describe('tracing off (OTEL_EXPORTER_OTLP_ENDPOINT unset)', () => {
  it('exports nothing and never loads the OpenTelemetry SDK; histories carry no trace header', { timeout: 300_000 }, async () => {
    const receiver = await startOtlpReceiver();
    const stub = await startLlmStub({ latencyMs: 0 });
    stops.push(() => receiver.close(), () => stub.close());
    // Everything an OpenTelemetry SDK would read, pointed at the receiver, except the one switch we honour.
    const { database, apiUrl, worker, loadedModules } = await startProcesses('untraced', stub, { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${receiver.url}/v1/traces`, OTEL_SERVICE_NAME: 'untraced' });
    const { taskId } = await runTask(database, apiUrl, stub);

    expect(receiver.requests()).toBe(0);
    const loaded = (await loadedModules()).split('\n').filter(Boolean);
    expect(loaded.filter((url) => !url.includes('/node_modules/@opentelemetry/api/'))).toEqual([]);
    expect(worker.output()).not.toContain('trace_id');

    const connection = await Connection.connect({ address: inject('temporalAddress') });
    stops.push(() => connection.close());
    const client = new Client({ connection, dataConverter: encryptedDataConverter(TEST_PAYLOAD_CODEC) });
    const history = await client.workflow.getHandle(taskWorkflowId(taskId)).fetchHistory();
    expect(JSON.stringify(history)).not.toContain('_tracer-data');
  });
});
