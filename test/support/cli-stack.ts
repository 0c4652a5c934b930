import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { startApiServer } from './api-server.js';
import { cliFor, show, type CliResult } from './cli.js';
import { newAccount, openTestDatabase, seedDistillations } from './db.js';
import { keywordOf, startLlmStub, type LlmStub } from './llm-stub.js';
import { startTestWorker } from './worker.js';

/**
 * `artgen` end to end for the test/cli/cli-*.test.ts files: every command runs as a subprocess
 * (`node bin/artgen.js ...`) against a real API server, a real worker on the Temporal dev server and the
 * loopback LLM stub. The stub answers by keyword: `fail ...` gets a 400 (never retried), `hang ...`
 * never answers, the rest an article.
 */
export function useCliStack() {
  const database = openTestDatabase(10);
  const state = {} as { stub: LlmStub; worker: Awaited<ReturnType<typeof startTestWorker>>; api: Awaited<ReturnType<typeof startApiServer>> };
  /** Temporal schedules a test created, deleted after the file. */
  const temporalScheduleIds = new Set<string>();
  const dir = mkdtempSync(path.join(tmpdir(), 'artgen-cli-files-'));

  beforeAll(async () => {
    state.stub = await startLlmStub({
      behavior: (req) => {
        const keyword = keywordOf(req) ?? '';
        if (keyword.startsWith('fail')) return { status: 400, errorMessage: 'the stub rejects this prompt' };
        if (keyword.startsWith('hang')) return { hang: true };
        return { latencyMs: 150 };
      },
    });
    // Many attempts: a hanging article stays in flight long enough to be canceled or timed out.
    state.worker = await startTestWorker(database, state.stub.url, { maxAttempts: 20 });
    state.api = await startApiServer(database, state.worker.target);
  });
  afterAll(async () => {
    for (const id of temporalScheduleIds) await state.worker?.client.schedule.getHandle(id).delete().catch(() => undefined);
    await state.api?.close();
    await state.worker?.stop();
    await state.stub?.close();
    await database.close();
  });

  /** A fresh account with distillations named by `keywords`, and a CLI runner with its key. */
  async function account(keywords: string[] = []) {
    const a = await newAccount(database);
    if (keywords.length > 0) await seedDistillations(database, a.accountId, keywords.map((keyword) => ({ keyword })));
    return { ...a, cli: cliFor(state.api.url, a.apiKey) };
  }

  /** Writes `content` to a file of the file's own folder and answers its path. */
  function file(name: string, content: string) {
    const p = path.join(dir, name);
    writeFileSync(p, content);
    return p;
  }

  const distillationCount = async (accountId: number) =>
    (await database.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM distillations WHERE account_id = ${accountId} AND deleted_at IS NULL`)[0]!.n;

  // The handles are set on `state` before the first test; the helpers are added to it.
  return Object.assign(state, {
    database,
    temporalScheduleIds,
    account,
    file,
    distillationCount,
  });
}

/** A command's stdout as JSON, or a failure showing what it printed. */
export const json = (r: CliResult) => {
  try {
    return JSON.parse(r.stdout);
  } catch {
    throw new Error(`stdout is not JSON:\n${show(r)}`);
  }
};
