import { beforeAll, describe, expect, it } from 'vitest';
import { evaluateRetrieval } from '../../src/domain/knowledge/index.js';
import { apiCall, type CallOptions } from '../support/api-server.js';
import { newAccount } from '../support/db.js';
import { loadRetrievalSet } from '../support/retrieval-set.js';
import { useApiWithoutWorker } from '../support/stack.js';

/**
 * Issue 17: the labelled retrieval set (test/fixtures/retrieval: 12 documents, 55 questions, zh and en),
 * uploaded as files through the API into the real database and asked through the search endpoint.
 * The default ranking must put an answering chunk among the first three for at least 90 % of the questions.
 */
const stack = useApiWithoutWorker();
const call = (method: string, path: string, opts: CallOptions = {}) => apiCall(stack.api.url, method, path, opts);

describe('retrieval quality on the labelled set', () => {
  let key: string;
  let kb: number;
  const documentIds = new Map<string, number>();
  let set: Awaited<ReturnType<typeof loadRetrievalSet>>;

  beforeAll(async () => {
    set = await loadRetrievalSet();
    ({ apiKey: key } = await newAccount(stack.database));
    const created = await call('POST', '/api/knowledge-bases', { key, json: { name: 'Labelled set' } });
    expect(created.status, created.text).toBe(201);
    kb = created.body.id;
    for (const doc of set.documents) {
      const form = new FormData();
      form.append('file', new Blob([doc.content]), doc.file);
      const r = await call('POST', `/api/knowledge-bases/${kb}/documents`, { key, form });
      expect(r.status, r.text).toBe(201);
      documentIds.set(doc.file, r.body.id);
    }
  });

  it('has at least 10 documents and 40 questions in both languages, each snippet in its document', () => {
    expect(set.documents.length).toBeGreaterThanOrEqual(10);
    expect(set.questions.length).toBeGreaterThanOrEqual(40);
    expect(new Set(set.questions.map((q) => q.lang))).toEqual(new Set(['zh', 'en']));
    for (const q of set.questions) expect(set.documents.find((d) => d.file === q.document)?.content, q.id).toContain(q.snippet);
  });

  it('recall@3 of the default search is at least 0.9', async () => {
    const result = await evaluateRetrieval(set.questions, documentIds, async (q) => {
      const r = await call('GET', `/api/knowledge-bases/${kb}/search?q=${encodeURIComponent(q)}&limit=3`, { key });
      expect(r.status, r.text).toBe(200);
      return r.body.items;
    });
    expect(result.recall, `missed: ${result.misses.map((m) => m.id).join(', ')}`).toBeGreaterThanOrEqual(0.9);
  });
});
