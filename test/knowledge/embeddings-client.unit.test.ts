import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmbeddingsClient, EMBEDDINGS_BATCH, EmbeddingsError } from '../../src/domain/knowledge/embeddings-client.js';
import { startEmbeddingsStub, stubEmbedding, type EmbeddingsStub } from '../support/embeddings-stub.js';
import { configSchema, embeddingsSettings } from '../../src/config.js';

const cosine = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * b[i]!, 0);

describe('embeddings client against a loopback OpenAI-compatible endpoint', () => {
  let stub: EmbeddingsStub;
  beforeAll(async () => {
    stub = await startEmbeddingsStub();
  });
  afterAll(() => stub.close());

  const client = (allowPrivate: boolean) => createEmbeddingsClient({ baseUrl: stub.url, model: 'stub-model', apiKey: 'sk-test', timeoutMs: 5_000, allowPrivate });

  it('answers one unit vector per text, in order, batching large inputs, with the model and key sent', async () => {
    stub.requests.length = 0;
    const texts = Array.from({ length: EMBEDDINGS_BATCH + 3 }, (_, i) => `第 ${i} 段：扫地机器人的电池续航`);
    const vectors = await client(true).embed(texts);
    expect(vectors).toHaveLength(texts.length);
    expect(vectors[5]).toEqual(stubEmbedding(texts[5]!).map((x) => expect.closeTo(x, 6)));
    expect(Math.hypot(...vectors[0]!)).toBeCloseTo(1, 6);
    expect(stub.requests.map((r) => r.inputs.length)).toEqual([EMBEDDINGS_BATCH, 3]);
    expect(stub.requests[0]).toMatchObject({ model: 'stub-model', authorization: 'Bearer sk-test' });
  });

  it('gives texts that share words a higher cosine than unrelated ones (the stub means something on the set)', async () => {
    const [q, near, far] = await client(true).embed(['扫地机器人充满电要多长时间', '电池充满电约需 4 小时，扫地机器人会返回充电座', 'Webhook events are signed with HMAC-SHA256']);
    expect(cosine(q!, near!)).toBeGreaterThan(cosine(q!, far!));
  });

  it('refuses a loopback endpoint unless private addresses are allowed, before any request is sent', async () => {
    stub.requests.length = 0;
    const err = await client(false).embed(['x']).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EmbeddingsError);
    expect((err as Error).message).toMatch(/EMBEDDINGS_ALLOW_PRIVATE/);
    expect(stub.requests).toHaveLength(0);
  });

  it('reports an HTTP failure by status without the embedded text', async () => {
    stub.failNext(1, 503);
    const err = await client(true).embed(['私密的客户合同内容']).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EmbeddingsError);
    expect((err as Error).message).toBe('The embeddings endpoint answered HTTP 503.');
  });

  it('is configured only when EMBEDDINGS_BASE_URL is set; the guard stays on by default', () => {
    expect(embeddingsSettings(configSchema.parse({}))).toBeUndefined();
    expect(embeddingsSettings(configSchema.parse({ EMBEDDINGS_BASE_URL: 'https://api.example.com/v1' }))).toEqual({
      baseUrl: 'https://api.example.com/v1',
      model: 'text-embedding-3-small',
      timeoutMs: 30_000,
      allowPrivate: false,
    });
  });
});
