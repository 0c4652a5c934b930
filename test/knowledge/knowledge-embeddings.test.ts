import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createEmbeddingsClient, RRF_K } from '../../src/domain/knowledge/index.js';
import { connectTemporal } from '../../src/temporal/connect.js';
import { apiCall, startApiServer, type CallOptions } from '../support/api-server.js';
import { newAccount, openTestDatabase } from '../support/db.js';
import { startEmbeddingsStub, type EmbeddingsStub } from '../support/embeddings-stub.js';
import { TEST_PAYLOAD_CODEC } from '../support/payload-codec.js';

/** Issue 17: with an embeddings endpoint configured, uploads embed their chunks and the search fuses both rankings (RRF). */
describe('knowledge search with embeddings (loopback endpoint)', () => {
  const database = openTestDatabase();
  let stub: EmbeddingsStub;
  let api: Awaited<ReturnType<typeof startApiServer>>;
  let temporal: Awaited<ReturnType<typeof connectTemporal>>;
  const call = (method: string, path: string, opts: CallOptions = {}) => apiCall(api.url, method, path, opts);

  beforeAll(async () => {
    stub = await startEmbeddingsStub();
    temporal = await connectTemporal(inject('temporalAddress'), 'default', TEST_PAYLOAD_CODEC);
    const embeddings = createEmbeddingsClient({ baseUrl: stub.url, model: 'stub-model', timeoutMs: 5_000, allowPrivate: true });
    api = await startApiServer(database, { client: temporal.client, taskQueue: `no-worker-${randomUUID().slice(0, 8)}` }, { embeddings });
  });
  afterAll(async () => {
    await api?.close();
    await temporal?.close();
    await stub?.close();
    await database.close();
  });

  async function upload(key: string, kb: number, title: string, content: string) {
    const r = await call('POST', `/api/knowledge-bases/${kb}/documents`, { key, json: { title, content } });
    expect(r.status, r.text).toBe(201);
    return r.body as { id: number; chunkCount: number };
  }

  const embeddedChunks = async (documentId: number) => {
    const [row] = await database.db.execute<{ n: number; models: string[] }>(sql`
      SELECT count(*)::int AS n, array_agg(DISTINCT e.model) AS models FROM knowledge_chunk_embeddings e JOIN knowledge_chunks c ON c.id = e.chunk_id WHERE c.document_id = ${documentId}`);
    return row!;
  };

  it('embeds every chunk of an upload and ranks by reciprocal rank fusion of text and embedding', async () => {
    const { apiKey: key } = await newAccount(database);
    const kb = (await call('POST', '/api/knowledge-bases', { key, json: { name: 'Fusion' } })).body.id as number;
    const vacuum = await upload(key, kb, '扫地机器人手册', '# 电池\n\n扫地机器人内置锂电池，充满电约需 4 小时。\n\n# 尘盒\n\n尘盒容量 400 毫升，每次清扫后倒空。');
    await upload(key, kb, 'Payments API', '# Rate limits\n\nLive mode allows 100 read requests per second.');
    expect(await embeddedChunks(vacuum.id)).toEqual({ n: vacuum.chunkCount, models: ['stub-model'] });

    const r = await call('GET', `/api/knowledge-bases/${kb}/search?q=${encodeURIComponent('扫地机器人充满电要多久')}&limit=3`, { key });
    expect(r.status, r.text).toBe(200);
    expect(r.body.items[0]).toMatchObject({ documentId: vacuum.id });
    expect(r.body.items[0].text).toContain('4 小时');
    // First in both rankings: 1/(k+1) twice.
    expect(r.body.items[0].score).toBeCloseTo(2 / (RRF_K + 1), 10);
    expect(stub.requests.at(-1)!.inputs).toEqual(['扫地机器人充满电要多久']);
  });

  it('keeps an upload whose chunks the endpoint fails to embed, and searches it by text; a failing search falls back to text', async () => {
    const { apiKey: key } = await newAccount(database);
    const kb = (await call('POST', '/api/knowledge-bases', { key, json: { name: 'Outage' } })).body.id as number;
    stub.failNext(1, 500);
    const doc = await upload(key, kb, '退货政策', '七天无理由退货：商品未拆封可以退货。');
    expect((await embeddedChunks(doc.id)).n).toBe(0);
    stub.failNext(1, 503);
    const r = await call('GET', `/api/knowledge-bases/${kb}/search?q=${encodeURIComponent('无理由退货')}&limit=3`, { key });
    expect(r.status, r.text).toBe(200);
    expect(r.body.items.map((i: { documentId: number }) => i.documentId)).toEqual([doc.id]);
  });
});
