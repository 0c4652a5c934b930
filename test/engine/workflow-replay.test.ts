import { readFile } from 'node:fs/promises';
import { expect, inject, it } from 'vitest';
import { replayRecordedHistories } from '../support/replay.js';

it('the workflow bundle (the one workers load, built by the test setup on a cache miss) keeps Node built-ins, the DB and the network out', async () => {
  const code = await readFile(inject('workflowBundlePath'), 'utf8');
  expect(code).toContain('articleGenerationWorkflow');
  // webpack keys every module by its path ("./node_modules/...", "./src/..."); it never emits require("...").
  const modules = [...code.matchAll(/"\.\/((?:node_modules|src)\/[^"]+)"/g)].map((m) => m[1]!);
  expect(modules).toContain('src/workflows/index.ts');
  // Temporal's OpenTelemetry workflow interceptors are bundled in (workflowInterceptorModules), behind our header check.
  expect(modules).toContain('src/workflows/tracing-interceptors.ts');
  const banned = modules.filter(
    (m) =>
      /^node_modules\/(drizzle-orm|postgres|pino|hono|@hono|@temporalio\/(client|worker|activity))\//.test(m) ||
      /^src\/(db|domain|activities|api|web|cli|infra|llm)\//.test(m),
  );
  expect([...new Set(banned)]).toEqual([]);
}, 120_000);

it('replays every stored history with the current workflow code (determinism guard)', async () => {
  const { replayed, encrypted, traced } = await replayRecordedHistories();
  expect(replayed).toBeGreaterThan(0);
  expect(encrypted, 'fixtures recorded with the payload codec (test/engine/encrypted-history.test.ts)').toBeGreaterThan(0);
  // Untraced runs take no interceptor path (every older fixture above); a traced one replays too.
  expect(traced, 'fixtures recorded with tracing on (test/infra/tracing.test.ts)').toBeGreaterThan(0);
});
