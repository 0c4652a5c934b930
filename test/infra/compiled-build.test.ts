import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { connectDatabase, type Database } from '../../src/db/client.js';
import { findFreePort } from '../../src/infra/process-utils.js';
import { connectTemporal } from '../../src/temporal/connect.js';
import { apiCall, waitForTaskEnd } from '../support/api-server.js';
import { createIsolatedDatabase, newAccount, seedDistillations } from '../support/db.js';
import { invariantViolations } from '../support/invariants.js';
import { startLlmStub, type LlmStub } from '../support/llm-stub.js';
import { TEST_PAYLOAD_CODEC } from '../support/payload-codec.js';
import { replayRecordedHistories } from '../support/replay.js';
import { ROOT, startServiceProcess, type ServiceProcess } from '../support/service-process.js';

/**
 * The deployed shape: `npm run build`, then the compiled API and worker (`node dist/api-server.js`,
 * `node dist/worker.js`, no tsx) against the test run's PostgreSQL and Temporal. A database of its own,
 * so the worker's resume-on-start sees only this file's rows.
 */
const T = { timeout: 600_000 };
const PREBUILT = path.join(ROOT, 'dist/workflow-bundle.js');
const suffix = `${process.pid}`;
const queues = { TASK_QUEUE: `compiled-tasks-${suffix}`, LLM_TASK_QUEUE: `compiled-llm-${suffix}`, USAGE_VERIFY_SCHEDULE_ID: `compiled-usage-${suffix}` };
const started: ServiceProcess[] = [];
let stub: LlmStub;
let databaseUrl: string;
let database: Database;

function npmRunBuild() {
  return new Promise<string>((resolve, reject) => {
    const child = spawn('npm', ['run', 'build'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    for (const s of [child.stdout, child.stderr]) s.on('data', (b: Buffer) => (out += b.toString()));
    child.once('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`npm run build exited with ${code}:\n${out}`))));
  });
}

beforeAll(async () => {
  expect(await npmRunBuild()).toMatch(/built dist\/ in [\d.]+s; workflow bundle dist\/workflow-bundle\.js/);
  stub = await startLlmStub({ latencyMs: 5 });
  databaseUrl = await createIsolatedDatabase(`artgen_compiled_${suffix}`);
  database = connectDatabase(databaseUrl, { max: 2 });
}, 600_000);

afterAll(async () => {
  for (const p of started) await p.stop();
  const temporal = await connectTemporal(inject('temporalAddress'), 'default', TEST_PAYLOAD_CODEC);
  await temporal.client.schedule.getHandle(queues.USAGE_VERIFY_SCHEDULE_ID).delete().catch(() => undefined);
  await temporal.close();
  await stub?.close();
  await database?.close();
});

it('`npm run build`, then the compiled API and worker run a task end to end; the worker loads the prebuilt bundle from its codePath', T, async () => {
  const port = await findFreePort();
  const env = { ...queues, DATABASE_URL: databaseUrl, TEMPORAL_ADDRESS: inject('temporalAddress'), LLM_BASE_URL: stub.url, PORT: String(port) };
  const worker = startServiceProcess('dist/worker.js', env);
  const api = startServiceProcess('dist/api-server.js', env);
  started.push(worker, api);
  expect(JSON.parse(await worker.waitForOutput(/workflow bundle loaded from codePath/))).toMatchObject({ codePath: PREBUILT, source: 'prebuilt' });
  await worker.waitForOutput(/worker running/);
  await api.waitForOutput(/API listening/);

  const { accountId, apiKey } = await newAccount(database);
  await seedDistillations(database, accountId, [{ keyword: 'compiled build' }]);
  const url = `http://127.0.0.1:${port}`;
  const created = await apiCall(url, 'POST', '/api/article-generation/tasks', { key: apiKey, json: { articleCount: 1 } });
  expect(created.status, created.text).toBe(201);
  const taskId = created.body.taskId as number;
  const ended = await waitForTaskEnd(taskId, async () => (await database.sql`SELECT status, generated_count FROM generation_tasks WHERE id = ${taskId}`)[0]);
  expect(ended).toEqual({ status: 'completed', generated_count: 1 });
  const shown = await apiCall(url, 'GET', `/api/article-generation/tasks/${taskId}`, { key: apiKey });
  expect(shown.status).toBe(200);
  expect(shown.body).toMatchObject({ status: 'completed', generatedCount: 1 });
  expect(await invariantViolations(database, accountId)).toEqual([]);
  expect(worker.output()).not.toMatch(/bundling the workflow code/);
});

it('the prebuilt bundle replays every recorded history', T, async () => {
  const { replayed } = await replayRecordedHistories(PREBUILT);
  expect(replayed).toBeGreaterThan(0);
});
