import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import proto from '@temporalio/proto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { taskWorkflowId } from '../../src/domain/tasks/workflow-id.js';
import { resolveTemporalCli } from '../../src/infra/temporal-cli.js';
import { startApiServer, waitFor } from '../support/api-server.js';
import { newAccount, seedDistillations } from '../support/db.js';
import { useTestStack } from '../support/stack.js';
import { replayWithCurrentCode } from '../support/replay.js';

const run = promisify(execFile);
const stack = useTestStack();
const UI_ORIGIN = 'http://localhost:8233';
const CODEC = '/api/temporal-codec';
let api: Awaited<ReturnType<typeof startApiServer>>;
let cliPath: string;

beforeAll(async () => {
  api = await startApiServer(stack.database, stack.worker.target, { codecCorsOrigins: [UI_ORIGIN] });
  const silent = { info: () => undefined, warn: () => undefined };
  cliPath = (await resolveTemporalCli({ cliPath: process.env.TEMPORAL_CLI_PATH, toolsDir: path.resolve(import.meta.dirname, '../../.tools'), log: silent, allowBuild: false })).path;
});
afterAll(async () => {
  await api?.close();
});

/** One finished one-article task whose keyword and topics appear nowhere else in this test run. */
async function finishedTask() {
  const tag = randomUUID().slice(0, 8);
  const keyword = `zanzibar-${tag}`;
  const topics = [`Where do quokkas-${tag} sleep?`, `Why is marzipan-${tag} sweet?`];
  const account = await newAccount(stack.database, { scope: 'operator' });
  await seedDistillations(stack.database, account.accountId, [{ keyword, topics }]);
  const created = await api.call('POST', '/api/article-generation/tasks', account.apiKey, { articleCount: 1 });
  expect(created.status, created.text).toBe(201);
  const taskId = created.body.taskId as number;
  await waitFor('the task to complete', async () => ((await api.call('GET', `/api/article-generation/tasks/${taskId}`, account.apiKey)).body.status === 'completed' ? true : undefined));
  const [article] = await stack.database.sql<{ title: string }[]>`SELECT title FROM articles WHERE task_id = ${taskId}`;
  expect(article!.title).toContain(keyword);
  return { ...account, workflowId: taskWorkflowId(taskId), plaintexts: [article!.title, keyword, ...topics] };
}

/** Every payload's data and metadata in `temporal workflow show --output json` (base64 there), as text. */
const payloadData = (json: string) =>
  [...json.matchAll(/"(?:data|encoding)":\s*"([A-Za-z0-9+/=]+)"/g)].map((m) => Buffer.from(m[1]!, 'base64').toString('utf8')).join('\n');

const temporalCli = (args: string[]) => run(cliPath, [...args, '--address', inject('temporalAddress'), '--namespace', 'default'], { maxBuffer: 64 * 1024 * 1024 });

describe('encrypted histories', () => {
  it('the history Temporal stores holds neither the title, the keyword nor the topics; the codec endpoint gives them back', async () => {
    const { workflowId, plaintexts, apiKey } = await finishedTask();

    // The raw history as the server keeps it, not decoded by any client.
    const raw = await stack.worker.client.workflowService.getWorkflowExecutionHistory({ namespace: 'default', execution: { workflowId } });
    const bytes = Buffer.from(proto.temporal.api.history.v1.History.encode(raw.history!).finish());
    expect(raw.history!.events!.length).toBeGreaterThan(5);
    for (const p of plaintexts) expect(bytes.includes(Buffer.from(p)), p).toBe(false);

    // `temporal workflow show` without the codec: the same.
    const plain = await temporalCli(['workflow', 'show', '--workflow-id', workflowId, '--output', 'json']);
    for (const p of plaintexts) expect(`${plain.stdout}${payloadData(plain.stdout)}`.includes(p), p).toBe(false);
    expect(plain.stdout).toContain(Buffer.from('binary/encrypted').toString('base64'));

    // With the API as its codec server (Temporal's remote codec protocol), everything reads again.
    const decoded = await temporalCli(['workflow', 'show', '--workflow-id', workflowId, '--output', 'json', '--codec-endpoint', `${api.url}${CODEC}`, '--codec-auth', `Bearer ${apiKey}`]);
    const payloadTexts = payloadData(decoded.stdout);
    expect(payloadTexts).toContain('json/plain');
    for (const p of plaintexts) expect(payloadTexts.includes(p), p).toBe(true);

    // The workers replay it (they decode with the same keys); RECORD_WORKFLOW_HISTORIES=1 keeps it as a fixture.
    const history = await stack.worker.client.workflow.getHandle(workflowId).fetchHistory();
    await replayWithCurrentCode(history, workflowId);
    if (process.env.RECORD_WORKFLOW_HISTORIES) {
      await writeFile(path.resolve(import.meta.dirname, '../fixtures/histories/encrypted-one-article-task.json'), JSON.stringify(history));
    }
  });

  it('encode then decode through the endpoint round-trips; plain payloads pass through', async () => {
    const { apiKey } = await newAccount(stack.database, { scope: 'operator' });
    const payload = { metadata: { encoding: Buffer.from('json/plain').toString('base64') }, data: Buffer.from('{"title":"secret draft"}').toString('base64') };
    const encoded = await api.call('POST', `${CODEC}/encode`, apiKey, { payloads: [payload] });
    expect(encoded.status, encoded.text).toBe(200);
    expect(Buffer.from(encoded.body.payloads[0].metadata.encoding, 'base64').toString()).toBe('binary/encrypted');
    expect(encoded.text).not.toContain(payload.data);
    const decoded = await api.call('POST', `${CODEC}/decode`, apiKey, { payloads: [...encoded.body.payloads, payload] });
    expect(decoded.body).toEqual({ payloads: [payload, payload] });
  });

  it('answers 401 without a key, 400 for a bad body or a payload it cannot decrypt', async () => {
    const { apiKey } = await newAccount(stack.database, { scope: 'operator' });
    expect((await api.call('POST', `${CODEC}/decode`, null, { payloads: [] })).status).toBe(401);
    const bad = await api.call('POST', `${CODEC}/decode`, apiKey, { payloads: [{ data: 'not base64!' }] });
    expect({ status: bad.status, code: bad.body.error.code }).toEqual({ status: 400, code: 'VALIDATION_ERROR' });
    expect(bad.body.error.message).toContain('payloads.0.data: must be base64');
    const forged = { metadata: { encoding: Buffer.from('binary/encrypted').toString('base64'), 'encryption-key-id': Buffer.from('test-new').toString('base64') }, data: Buffer.alloc(40, 1).toString('base64') };
    const refused = await api.call('POST', `${CODEC}/decode`, apiKey, { payloads: [forged] });
    expect({ status: refused.status, code: refused.body.error.code, keyId: refused.body.error.details.keyId }).toEqual({ status: 400, code: 'PAYLOAD_NOT_DECRYPTABLE', keyId: 'test-new' });
  });

  it('lets the configured Temporal UI origin through CORS (preflight without a key), and no other', async () => {
    const preflight = (origin: string) =>
      fetch(`${api.url}${CODEC}/decode`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-namespace,authorization' } });
    const allowed = await preflight(UI_ORIGIN);
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(UI_ORIGIN);
    expect(allowed.headers.get('access-control-allow-credentials')).toBe('true');
    expect(allowed.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('x-namespace');
    const other = await preflight('http://evil.example');
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });
});
