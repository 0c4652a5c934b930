import { afterAll, beforeAll } from 'vitest';
import type { LlmPolicy } from '../../src/activities/index.js';
import type { ApiDeps } from '../../src/api/types.js';
import { startApiServer } from './api-server.js';
import { openTestDatabase } from './db.js';
import { startLlmStub, type LlmStub } from './llm-stub.js';
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
