import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, inject } from 'vitest';
import type { LlmPolicy } from '../../src/workflows/contracts.js';
import type { ApiDeps } from '../../src/http/deps.js';
import { connectTemporal, type TemporalHandles } from '../../src/temporal/connect.js';
import { startApiServer } from './api-server.js';
import { openTestDatabase } from './db.js';
import { startLlmStub, type LlmStub } from './llm-stub.js';
import { TEST_PAYLOAD_CODEC } from './payload-codec.js';
import { startTestWorker, type TestWorkerOptions } from './worker.js';

export interface TestStack {
  database: ReturnType<typeof openTestDatabase>;
  stub: LlmStub;
  worker: Awaited<ReturnType<typeof startTestWorker>>;
  api: Awaited<ReturnType<typeof startApiServer>>;
}

/**
 * The whole stack for one test file, started before its tests and stopped after them: the database,
 * the loopback LLM stub, a real worker and the API on a real port.
 */
export function useTestStack(opts: { latencyMs?: number; policy?: Partial<LlmPolicy>; worker?: TestWorkerOptions; api?: Partial<ApiDeps> } = {}): TestStack {
  const stack = { database: openTestDatabase() } as TestStack;
  beforeAll(async () => {
    stack.stub = await startLlmStub({ latencyMs: opts.latencyMs ?? 5 });
    stack.worker = await startTestWorker(stack.database, stack.stub.url, opts.policy ?? { timeoutMs: 20_000 }, opts.worker);
    stack.api = await startApiServer(stack.database, stack.worker.target, opts.api);
  });
  afterAll(async () => {
    await stack.api?.close();
    await stack.worker?.stop();
    await stack.stub?.close();
    await stack.database.close();
  });
  return stack;
}

export interface ApiOnlyStack {
  database: ReturnType<typeof openTestDatabase>;
  temporal: TemporalHandles;
  api: Awaited<ReturnType<typeof startApiServer>>;
}

/**
 * The API on a real port over the database and Temporal, with no worker: for tests of routes that
 * never need a workflow to run (keys, audit, limits). Started before the file's tests, stopped after.
 */
export function useApiWithoutWorker(poolSize = 5): ApiOnlyStack {
  const stack = { database: openTestDatabase(poolSize) } as ApiOnlyStack;
  beforeAll(async () => {
    stack.temporal = await connectTemporal(inject('temporalAddress'), 'default', TEST_PAYLOAD_CODEC);
    stack.api = await startApiServer(stack.database, { client: stack.temporal.client, taskQueue: `no-worker-${randomUUID().slice(0, 8)}` });
  });
  afterAll(async () => {
    await stack.api?.close();
    await stack.temporal?.close();
    await stack.database.close();
  });
  return stack;
}
