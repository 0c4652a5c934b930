import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDatabase, type Database } from '../../src/db/client.js';
import { llmAttempts, llmModels } from '../../src/db/schema.js';
import { createModel, syncConfiguredModels, taskCost, updateModel } from '../../src/domain/models/index.js';
import { configuredModels, offlineModel } from '../../src/llm/models/model-config.js';
import { createModelRouter } from '../../src/llm/models/router.js';
import type { LlmClient } from '../../src/llm/index.js';
import { createIsolatedDatabase, newAccount } from '../support/db.js';
import { TEST_PAYLOAD_CODEC } from '../support/payload-codec.js';

/**
 * The registry's books on a database of their own (syncing config's models removes the config rows it no longer
 * lists, which other files' rows must not see): config's models written at start, and a task's cost always
 * equal to its requests' tokens x prices, exactly.
 */
let database: Database;
beforeAll(async () => {
  database = connectDatabase(await createIsolatedDatabase(`models_books_${randomUUID().slice(0, 8)}`), { max: 3 });
});
afterAll(() => database?.close());

const entry = (id: string, price: number) => ({ id, baseUrl: 'http://127.0.0.1:9/v1', model: `m-${id}`, promptPricePerMillion: price, completionPricePerMillion: price * 2, currency: 'USD' });

describe("config's models", () => {
  it('are written at start, rewritten as config says, removed when config drops them; operators\' models stay', async () => {
    const o = { sealer: TEST_PAYLOAD_CODEC, defaultTimeoutMs: 1_000 };
    await createModel(database.db, entry('ops', 1), o);
    const first = configuredModels({ LLM_MODELS: JSON.stringify([entry('a', 1), entry('b', 2)]), LLM_MODEL: 'x', LLM_TIMEOUT_MS: 1_000 });
    await syncConfiguredModels(database.db, first.models);
    const rows = async () => (await database.db.select({ id: llmModels.id, source: llmModels.source, price: llmModels.promptPriceMicros }).from(llmModels)).sort((x, y) => x.id.localeCompare(y.id));
    expect(await rows()).toEqual([
      { id: 'a', source: 'config', price: 1_000_000 },
      { id: 'b', source: 'config', price: 2_000_000 },
      { id: 'offline', source: 'config', price: 0 },
      { id: 'ops', source: 'admin', price: 1_000_000 },
    ]);
    await syncConfiguredModels(database.db, configuredModels({ LLM_MODELS: JSON.stringify([entry('a', 3)]), LLM_MODEL: 'x', LLM_TIMEOUT_MS: 1_000 }).models);
    expect(await rows()).toEqual([
      { id: 'a', source: 'config', price: 3_000_000 },
      { id: 'offline', source: 'config', price: 0 },
      { id: 'ops', source: 'admin', price: 1_000_000 },
    ]);
    await expect(updateModel(database.db, 'a', { maxConcurrency: 2 }, o)).rejects.toMatchObject({ status: 409, code: 'MODEL_READ_ONLY' });
  });
});

describe('cost', () => {
  it('a task costs exactly the sum of its requests\' tokens x prices, whatever the tokens and prices (100 runs)', async () => {
    const { accountId } = await newAccount(database);
    let taskId = 1_000_000;
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            prompt: fc.integer({ min: 0, max: 2_000_000 }),
            completion: fc.integer({ min: 0, max: 2_000_000 }),
            promptMicros: fc.integer({ min: 0, max: 1_000_000_000 }),
            completionMicros: fc.integer({ min: 0, max: 1_000_000_000 }),
            fails: fc.boolean(),
          }),
          { minLength: 1, maxLength: 6 },
        ),
        async (requests) => {
          taskId += 1;
          let expected = 0n;
          for (const [i, r] of requests.entries()) {
            const spec = { ...offlineModel(1_000), id: `p${taskId}-${i}`, promptPriceMicrosPerMillion: r.promptMicros, completionPriceMicrosPerMillion: r.completionMicros };
            const client: LlmClient = {
              provider: 'test',
              model: 'm',
              complete: async () => {
                if (r.fails) throw new Error('down');
                return { content: 'x', model: 'm', promptTokens: r.prompt, completionTokens: r.completion };
              },
            };
            const router = createModelRouter({ db: database.db, clientFor: () => client });
            const sent = router.complete([spec], { messages: [], accountId, taskId, position: 0, attempt: i + 1 });
            if (r.fails) await expect(sent).rejects.toThrow();
            else {
              const reply = await sent;
              expect(reply.costPico).toBe(BigInt(r.prompt) * BigInt(r.promptMicros) + BigInt(r.completion) * BigInt(r.completionMicros));
              expected += reply.costPico;
            }
          }
          const { cost } = await taskCost(database.db, taskId);
          const whole = expected / 1_000_000_000_000n;
          const frac = (expected % 1_000_000_000_000n).toString().padStart(12, '0').replace(/0+$/, '');
          expect(cost).toEqual({ amount: `${whole}${frac ? `.${frac}` : ''}`, currency: 'USD' });
          const rows = await database.db.select({ outcome: llmAttempts.outcome }).from(llmAttempts).where(eq(llmAttempts.taskId, taskId));
          expect(rows.map((x) => x.outcome)).toEqual(requests.map((r) => (r.fails ? 'failed' : 'ok')));
        },
      ),
      { numRuns: 100 },
    );
  });
});
