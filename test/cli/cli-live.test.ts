import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOpenAiClient } from '../../src/llm/index.js';
import { startApiServer } from '../support/api-server.js';
import { cliFor, show } from '../support/cli.js';
import { newAccount, openTestDatabase, seedDistillations } from '../support/db.js';
import { keywordOf, splitContent, startLlmStub, type LlmStub } from '../support/llm-stub.js';
import { startTestWorker } from '../support/worker.js';

/** `artgen task create --watch` with a streaming model: a line per article with its growing length, then the save. */

const database = openTestDatabase(6);
let stub: LlmStub;
let worker: Awaited<ReturnType<typeof startTestWorker>>;
let api: Awaited<ReturnType<typeof startApiServer>>;
const content = (kw: string) => `# Watching ${kw}\n\n${Array.from({ length: 10 }, (_, i) => `Part ${i} of the text about ${kw}.`).join('\n\n')}\n`;

beforeAll(async () => {
  // 30 pieces 40 ms apart: about 1.2 s per article, several deltas each.
  stub = await startLlmStub({ behavior: (req) => ({ chunks: splitContent(content(keywordOf(req) ?? 'x'), 30), chunkDelayMs: 40 }) });
  worker = await startTestWorker(database, stub.url, { timeoutMs: 20_000 }, { llm: createOpenAiClient({ baseUrl: stub.url, model: 'stub-model', timeoutMs: 20_000, streaming: true }) });
  api = await startApiServer(database, worker.target);
});
afterAll(async () => {
  await api?.close();
  await worker?.stop();
  await stub?.close();
  await database.close();
});

describe('task watch of a streaming model', () => {
  it('prints a line per article with its growing length, the last one its whole text, before the article is saved', async () => {
    const a = await newAccount(database);
    const keywords = ['stream one', 'stream two'];
    await seedDistillations(database, a.accountId, keywords.map((keyword) => ({ keyword })));
    const r = await cliFor(api.url, a.apiKey)(['task', 'create', '-n', '2', '--concurrency', '2', '--watch']);
    expect(r.code, show(r)).toBe(0);
    const lines = r.stdout.split('\n');
    for (const position of [1, 2]) {
      const writing = lines.flatMap((l, i) => {
        const m = new RegExp(`article #${position} writing: ([\\d,]+) characters`).exec(l);
        return m ? [{ i, length: Number(m[1]!.replace(/,/g, '')) }] : [];
      });
      const saved = lines.findIndex((l) => new RegExp(`article #${position} saved: "Watching stream (one|two)"`).test(l));
      expect(writing.length, r.stdout).toBeGreaterThan(1);
      expect(saved, r.stdout).toBeGreaterThan(writing.at(-1)!.i);
      for (let k = 1; k < writing.length; k++) expect(writing[k]!.length).toBeGreaterThan(writing[k - 1]!.length);
      const title = /saved: "Watching (stream (?:one|two))"/.exec(lines[saved]!)![1]!;
      expect(writing.at(-1)!.length).toBe(content(title).length);
    }
  });
});
