import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import proto from '@temporalio/proto';
import { expect, inject, it } from 'vitest';
import { replayWithCurrentCode } from '../support/replay.js';

const FIXTURES = path.resolve(import.meta.dirname, '../fixtures/histories');

it('the workflow bundle (the one workers load, built by the test setup on a cache miss) keeps Node built-ins, the DB and the network out', async () => {
  const code = await readFile(inject('workflowBundlePath'), 'utf8');
  expect(code).toContain('articleGenerationWorkflow');
  // webpack keys every module by its path ("./node_modules/...", "./src/..."); it never emits require("...").
  const modules = [...code.matchAll(/"\.\/((?:node_modules|src)\/[^"]+)"/g)].map((m) => m[1]!);
  expect(modules).toContain('src/workflows/index.ts');
  const banned = modules.filter(
    (m) =>
      /^node_modules\/(drizzle-orm|postgres|pino|hono|@hono|@temporalio\/(client|worker|activity))\//.test(m) ||
      /^src\/(db|domain|activities|api|web|cli|infra|llm)\//.test(m),
  );
  expect([...new Set(banned)]).toEqual([]);
}, 120_000);

it('replays every stored history with the current workflow code (determinism guard)', async () => {
  const files = (await readdir(FIXTURES)).filter((f) => f.endsWith('.json'));
  expect(files.length).toBeGreaterThan(0);
  let encrypted = 0;
  for (const file of files) {
    // protobufjs JSON (as fetchHistory's result serializes), read back into a History message.
    const json = await readFile(path.join(FIXTURES, file), 'utf8');
    if (json.includes(Buffer.from('binary/encrypted').toString('base64'))) encrypted++;
    const history = proto.temporal.api.history.v1.History.fromObject(JSON.parse(json));
    // Encrypted fixtures need the test keys; plain ones (recorded before encryption) pass the replay codec.
    await replayWithCurrentCode(history, file);
  }
  expect(encrypted, 'fixtures recorded with the payload codec (test/engine/encrypted-history.test.ts)').toBeGreaterThan(0);
});
