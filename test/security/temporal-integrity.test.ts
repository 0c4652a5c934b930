import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client, Connection, WorkflowFailedError } from '@temporalio/client';
import { ActivityFailure, ApplicationFailure } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connectDatabase, type Database } from '../../src/db/client.js';
import { taskWorkflowId } from '../../src/domain/tasks/workflow-id.js';
import { resolveTemporalCli } from '../../src/infra/temporal-cli.js';
import { findFreePort } from '../../src/infra/temporal-dev-server.js';
import { ACCOUNT_ID } from '../../src/shared/search-attributes.js';
import { UNTRUSTED_RUN_FAILURE } from '../../src/shared/refused-payload.js';
import { connectTemporal, type TemporalHandles } from '../../src/temporal/connect.js';
import { scheduleRunWorkflowIdPrefix } from '../../src/temporal/generation-schedules.js';
import { callJson, waitFor } from '../support/api-server.js';
import { createIsolatedDatabase, newAccount, seedDistillations } from '../support/db.js';
import { TEST_PAYLOAD_CODEC } from '../support/payload-codec.js';
import { replayWithCurrentCode } from '../support/replay.js';
import { startServiceProcess, type ServiceProcess } from '../support/service-process.js';

/**
 * Issue 15, items 2 and 5, against a real `npm run worker` and `npm run api` (their stdout and stderr
 * captured), the test run's Temporal dev server and a database of their own.
 */
const run = promisify(execFile);
const suffix = randomUUID().slice(0, 8);
const TASK_QUEUE = `integrity-tasks-${suffix}`;
const USAGE_SCHEDULE = `integrity-usage-${suffix}`;
let database: Database;
let provider: Awaited<ReturnType<typeof startEchoingProvider>>;
let worker: ServiceProcess;
let api: ServiceProcess;
let apiUrl: string;
let temporal: TemporalHandles;
let plain: Client;
let cliPath: string;

/** An OpenAI-compatible provider that refuses every request with a 400 quoting it, as some gateways do. */
async function startEchoingProvider() {
  const bodies: string[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      bodies.push(body);
      const messages = (JSON.parse(body) as { messages: { content: string }[] }).messages.map((m) => m.content).reverse();
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: `Rejected input: ${messages.join(' | ')}`, type: 'invalid_request_error', param: body, code: 'context_length_exceeded' } }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, bodies, close: () => new Promise((r) => server.close(r)) };
}

const call = (method: string, route: string, apiKey: string, body?: unknown) => callJson(apiUrl, method, route, apiKey, body);

beforeAll(async () => {
  provider = await startEchoingProvider();
  const url = await createIsolatedDatabase(`temporal_integrity_${suffix}`);
  database = connectDatabase(url, { max: 3 });
  const env = {
    DATABASE_URL: url,
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    LLM_BASE_URL: provider.url,
    TASK_QUEUE,
    LLM_TASK_QUEUE: `integrity-llm-${suffix}`,
    USAGE_VERIFY_SCHEDULE_ID: USAGE_SCHEDULE,
    QUALITY_NEAR_DUPLICATE_MAX_DISTANCE: 'off',
  };
  worker = startServiceProcess('src/worker.ts', env, 'worker');
  const port = await findFreePort();
  apiUrl = `http://127.0.0.1:${port}`;
  api = startServiceProcess('src/api-server.ts', { ...env, PORT: String(port), HOST: '127.0.0.1' }, 'api');
  await Promise.all([worker.waitForOutput(/worker running/), api.waitForOutput(/API listening/)]);
  temporal = await connectTemporal(inject('temporalAddress'), 'default', TEST_PAYLOAD_CODEC);
  // What anyone who reaches Temporal's port has: a client without the payload keys.
  plain = new Client({ connection: await Connection.connect({ address: inject('temporalAddress') }) });
  const silent = { info: () => undefined, warn: () => undefined };
  cliPath = (await resolveTemporalCli({ cliPath: process.env.TEMPORAL_CLI_PATH, toolsDir: path.resolve(import.meta.dirname, '../../.tools'), log: silent, allowBuild: false })).path;
}, 240_000);

afterAll(async () => {
  await temporal?.client.schedule.getHandle(USAGE_SCHEDULE).delete().catch(() => undefined);
  await Promise.all([worker?.stop(), api?.stop()]);
  await plain?.connection.close();
  await temporal?.close();
  await database?.close();
  await provider?.close();
});

const taskRows = (accountId: number) => database.sql`SELECT id FROM generation_tasks WHERE account_id = ${accountId}`;

/** Every base64 value in `temporal workflow show --output json`, decoded, beside the JSON itself. */
const readable = (json: string) => `${json}\n${[...json.matchAll(/"([A-Za-z0-9+/]{12,}={0,2})"/g)].map((m) => Buffer.from(m[1]!, 'base64').toString('utf8')).join('\n')}`;

describe('provider errors quoting the prompt', () => {
  it('keep the keyword, topics and knowledge out of the history and the logs; the user still sees the status and the provider code', async () => {
    const tag = randomUUID().slice(0, 8);
    const secrets = [`kestrel-${tag}`, `Where do quokkas-${tag} sleep?`, `fjord-${tag} expansion plan for next year`];
    const { accountId, apiKey } = await newAccount(database);
    await seedDistillations(database, accountId, [{ keyword: secrets[0], topics: [secrets[1]!] }]);
    const kb = await call('POST', '/api/knowledge-bases', apiKey, { name: 'plans', documents: [{ title: 'plans', content: secrets[2] }] });
    expect(kb.status, kb.text).toBe(201);
    const created = await call('POST', '/api/article-generation/tasks', apiKey, { articleCount: 1, knowledgeBaseId: kb.body.id });
    expect(created.status, created.text).toBe(201);
    const taskId = created.body.taskId as number;
    const task = await waitFor('the task to fail', async () => {
      const r = await call('GET', `/api/article-generation/tasks/${taskId}`, apiKey);
      return r.body.status === 'failed' ? r.body : undefined;
    });
    // The provider did get the prompt, and quoted all of it back.
    for (const s of secrets) expect(provider.bodies.some((b) => b.includes(JSON.stringify(s).slice(1, -1))), s).toBe(true);

    // What the user reads: the status and the provider's error type and code, nothing it quoted.
    const reasons = JSON.stringify([task.errorMessage, task.items?.map((i: { error?: string }) => i.error)]);
    expect(reasons).toContain('HTTP 400 (invalid_request_error/context_length_exceeded)');
    for (const s of secrets) expect(reasons.includes(s), s).toBe(false);

    // The history as `temporal workflow show` prints it without the codec: failure messages encrypted too.
    const shown = await run(cliPath, ['workflow', 'show', '--workflow-id', taskWorkflowId(taskId), '--output', 'json', '--address', inject('temporalAddress'), '--namespace', 'default'], { maxBuffer: 64 * 1024 * 1024 });
    expect(shown.stdout).toContain('Encoded failure');
    const history = readable(shown.stdout);
    for (const s of [...secrets, 'context_length_exceeded']) expect(history.includes(s), s).toBe(false);

    // Every line the worker and the API printed.
    const logs = `${worker.output()}\n${api.output()}`;
    for (const s of secrets) expect(logs.includes(s), s).toBe(false);

    // A history with encrypted failure messages replays; RECORD_WORKFLOW_HISTORIES=1 keeps it as a fixture.
    const recorded = await temporal.client.workflow.getHandle(taskWorkflowId(taskId)).fetchHistory();
    await replayWithCurrentCode(recorded, taskWorkflowId(taskId));
    if (process.env.RECORD_WORKFLOW_HISTORIES) {
      await writeFile(path.resolve(import.meta.dirname, '../fixtures/histories/encrypted-failure-messages.json'), JSON.stringify(recorded));
    }
  });
});

describe('runs the service did not start', () => {
  /** An account with a paused generation schedule (and distillations, so a real run of it would create a task). */
  async function pausedSchedule() {
    const owner = await newAccount(database);
    await seedDistillations(database, owner.accountId, [{}, {}]);
    const created = await call('POST', '/api/schedules', owner.apiKey, { name: 'weekly', intervalSeconds: 7 * 24 * 3600, template: { articleCount: 1 } });
    expect(created.status, created.text).toBe(201);
    const scheduleId = created.body.id as number;
    expect((await call('POST', `/api/schedules/${scheduleId}/pause`, owner.apiKey)).status).toBe(200);
    return { ...owner, scheduleId, runWorkflowId: `${scheduleRunWorkflowIdPrefix(scheduleId)}-${new Date().toISOString().slice(0, 19)}Z-${randomUUID().slice(0, 4)}` };
  }

  /** The failure a refused run ends with, read through the codec (its message is encrypted in the history). */
  async function refusal(workflowId: string) {
    const err = await temporal.client.workflow.getHandle(workflowId).result().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(WorkflowFailedError);
    const cause = (err as WorkflowFailedError).cause;
    const failure = cause instanceof ActivityFailure ? cause.cause : cause;
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect((failure as ApplicationFailure).type).toBe(UNTRUSTED_RUN_FAILURE);
    expect((failure as ApplicationFailure).nonRetryable).toBe(true);
    return (failure as ApplicationFailure).message;
  }

  it('a workflow started with plain payloads (no codec) fails for good, creates nothing and is logged', async () => {
    const { accountId, scheduleId, runWorkflowId } = await pausedSchedule();
    // `temporal workflow execute --type scheduledGenerationWorkflow --input '{"scheduleId":…}'`, through the SDK.
    await plain.workflow.start('scheduledGenerationWorkflow', { taskQueue: TASK_QUEUE, workflowId: runWorkflowId, args: [{ scheduleId }] });
    expect(await refusal(runWorkflowId)).toMatch(/not encrypted with a configured payload key/);
    expect(await taskRows(accountId)).toHaveLength(0);
    await worker.waitForOutput(/refused a payload that is not encrypted/, 30_000);
  });

  it('a scheduledGenerationWorkflow injected for a paused schedule or naming another account creates no task; a trigger of the schedule does', async () => {
    const { accountId, apiKey, scheduleId, runWorkflowId } = await pausedSchedule();
    const other = await newAccount(database);
    const start = (workflowId: string, searchAccount: number, extra: Record<string, string[]> = {}) =>
      temporal.client.workflow.start('scheduledGenerationWorkflow', {
        taskQueue: TASK_QUEUE,
        workflowId,
        args: [{ scheduleId }],
        typedSearchAttributes: [{ key: ACCOUNT_ID, value: searchAccount }],
        ...(Object.keys(extra).length > 0 ? { searchAttributes: extra } : {}),
      });

    // Encrypted with the right keys, named like the Schedule's runs, for the right account: still not the Schedule's run.
    await start(runWorkflowId, accountId);
    expect(await refusal(runWorkflowId)).toMatch(/not started by the Temporal Schedule/);
    await start(`${runWorkflowId}-other`, other.accountId);
    expect(await refusal(`${runWorkflowId}-other`)).toMatch(/names another account/);
    // The dev server lets a client set TemporalScheduledById itself: only the Schedule's own record of its runs counts.
    await start(`${runWorkflowId}-forged`, accountId, { TemporalScheduledById: [`generation-schedule-${scheduleId}`] });
    expect(await refusal(`${runWorkflowId}-forged`)).toMatch(/not started by the Temporal Schedule/);
    expect(await taskRows(accountId)).toHaveLength(0);
    expect(await taskRows(other.accountId)).toHaveLength(0);
    await worker.waitForOutput(/refused a workflow run the service did not start/, 30_000);

    // The owner's "run now" of the paused schedule is the Schedule's own run, and goes through.
    expect((await call('POST', `/api/schedules/${scheduleId}/trigger`, apiKey)).status).toBe(202);
    await waitFor('the triggered run to create a task', async () => ((await taskRows(accountId)).length === 1 ? true : undefined));
  });
});
