import { afterAll, beforeAll, expect } from 'vitest';
import { createApp } from '../../src/server/app.js';
import type { ApiDeps } from '../../src/http/deps.js';
import { createLogger } from '../../src/logger.js';
import { apiCall, serveApp, waitForTaskEnd, type ApiReply, type CallOptions, type TestServer } from './api-server.js';
import { openTestDatabase } from './db.js';
import { startLlmStub, type LlmStub } from './llm-stub.js';
import { TEST_PAYLOAD_CODEC } from './payload-codec.js';
import { startTestWorker } from './worker.js';

/**
 * The HTTP API end to end for the test/api/api-*.test.ts files: a real loopback server (createApp +
 * @hono/node-server on port 0) over the test run's PostgreSQL and Temporal, a real worker, and the LLM
 * stub. Every request goes through fetch.
 */
export function useHttpApi() {
  const database = openTestDatabase(10);
  const state = {} as { stub: LlmStub; worker: Awaited<ReturnType<typeof startTestWorker>>; api: TestServer };

  /** The app's dependencies over `temporal`: a second server (a broken Temporal, say) beside the file's own. */
  const deps = (temporal: ApiDeps['temporal']): ApiDeps => ({
    db: database.db,
    temporal,
    log: createLogger('silent'),
    defaultConcurrency: 5,
    codec: TEST_PAYLOAD_CODEC,
    codecCorsOrigins: [],
  });

  beforeAll(async () => {
    state.stub = await startLlmStub();
    state.worker = await startTestWorker(database, state.stub.url);
    state.api = await serveApp(createApp(deps(state.worker.target)));
  });
  afterAll(async () => {
    await state.api?.close();
    await state.worker?.stop();
    await state.stub?.close();
    await database.close();
  });

  /** One real HTTP request to the file's server, or to `server`. */
  const call = (method: string, path: string, opts: CallOptions & { server?: TestServer } = {}) => apiCall((opts.server ?? state.api).url, method, path, opts);

  /** Polls the task detail until it is terminal. */
  const waitForTask = (key: string, taskId: number, timeoutMs = 30_000) =>
    waitForTaskEnd(taskId, async () => {
      const detail = await call('GET', `/api/article-generation/tasks/${taskId}`, { key });
      expect(detail.status, detail.text).toBe(200);
      return detail.body;
    }, timeoutMs);

  async function importDistillations(key: string, keywords: string[]): Promise<number[]> {
    const r = await call('POST', '/api/distillations/import', {
      key,
      json: { distillations: keywords.map((keyword) => ({ keyword, topics: topicsFor(keyword) })) },
    });
    expect(r.status, r.text).toBe(201);
    return r.body.ids;
  }

  async function distillationMap(key: string) {
    const r = await call('GET', '/api/distillations?pageSize=100', { key });
    expect(r.status, r.text).toBe(200);
    return new Map<number, any>(r.body.items.map((d: any) => [d.id, d]));
  }

  async function reservedTotal(accountId: number) {
    const [row] = await database.sql<{ n: number }[]>`
      SELECT coalesce(sum(reserved_count), 0)::int AS n FROM distillations WHERE account_id = ${accountId}`;
    return row!.n;
  }

  async function taskCount(accountId: number) {
    const [row] = await database.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM generation_tasks WHERE account_id = ${accountId}`;
    return row!.n;
  }

  // The handles are set on `state` before the first test; the helpers are added to it.
  return Object.assign(state, {
    database,
    deps,
    call,
    waitForTask,
    importDistillations,
    distillationMap,
    reservedTotal,
    taskCount,
  });
}

export const topicsFor = (kw: string) => [`What is ${kw}?`, `How does ${kw} work?`];

/** Asserts the uniform error shape and returns the error object. */
export function expectError(reply: ApiReply, status: number, code: string) {
  expect({ status: reply.status, code: reply.body?.error?.code }, reply.text).toEqual({ status, code });
  expect(typeof reply.body.error.message).toBe('string');
  expect(reply.body.error.message.length).toBeGreaterThan(0);
  expect(Object.keys(reply.body)).toEqual(['error']);
  return reply.body.error as { code: string; message: string; details?: any };
}
