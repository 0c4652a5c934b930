import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { newAccount } from '../support/db.js';
import { DEFAULT_KNOWLEDGE } from '../../src/config.js';
import { createApiKey } from '../../src/domain/accounts/index.js';
import { apiCall, startApiServer, type CallOptions } from '../support/api-server.js';
import { useApiWithoutWorker } from '../support/stack.js';

/** Issue 17 "Knowledge from real files": uploads of each type, searchable; each bad file refused with its code, keeping nothing. */
const stack = useApiWithoutWorker();
const call = (method: string, path: string, opts: CallOptions = {}) => apiCall(stack.api.url, method, path, opts);
const fixture = (name: string) => readFileSync(new URL(`../fixtures/knowledge/${name}`, import.meta.url));

/** A multipart form with the fixture under `file`, named `as` (the name says nothing: types are read from content). */
function fileForm(name: string, as = 'upload.bin', title?: string) {
  const form = new FormData();
  form.append('file', new Blob([fixture(name)]), as);
  if (title) form.append('title', title);
  return form;
}

async function newBase(key: string, name = 'Cafe') {
  const kb = await call('POST', '/api/knowledge-bases', { key, json: { name } });
  expect(kb.status, kb.text).toBe(201);
  return kb.body.id as number;
}

async function rowCounts(knowledgeBaseId: number) {
  const [row] = await stack.database.db.execute<{ documents: number; chunks: number }>(sql`
    SELECT (SELECT count(*)::int FROM knowledge_documents WHERE knowledge_base_id = ${knowledgeBaseId}) AS documents,
           (SELECT count(*)::int FROM knowledge_chunks WHERE knowledge_base_id = ${knowledgeBaseId}) AS chunks`);
  return row!;
}

const search = async (key: string, kb: number, q: string) => {
  const r = await call('GET', `/api/knowledge-bases/${kb}/search?q=${encodeURIComponent(q)}&limit=3`, { key });
  expect(r.status, r.text).toBe(200);
  return r.body.items as { documentId: number; documentTitle: string; text: string; score: number }[];
};

describe('knowledge files', () => {
  const uploads: [string, string, string, string][] = [
    ['handbook.md', 'text/markdown', 'Barista handbook', '粉水比例是多少'],
    ['notes.txt', 'text/plain', 'notes', 'When does the cafe open in the morning?'],
    ['page.html', 'text/html', 'Delivery policy', '哪些城市可以次日达配送'],
    ['guide.pdf', 'application/pdf', 'Espresso machine guide', 'How often should I descale the machine?'],
    ['manual.docx', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', '咖啡机使用手册', '锅炉保修多久'],
  ];

  it.each(uploads)('%s is uploaded, typed by its content, chunked and found by a question', async (name, mediaType, title, question) => {
    const { apiKey: key } = await newAccount(stack.database);
    const kb = await newBase(key);
    const asName = name === 'notes.txt' ? 'notes.txt' : 'misleading-name.txt';
    const r = await call('POST', `/api/knowledge-bases/${kb}/documents`, { key, form: fileForm(name, asName) });
    expect(r.status, r.text).toBe(201);
    expect(r.body).toMatchObject({ knowledgeBaseId: kb, title, mediaType, bytes: fixture(name).length });
    expect(r.body.chunkCount).toBeGreaterThan(0);
    const hits = await search(key, kb, question);
    expect(hits[0]).toMatchObject({ documentId: r.body.id, documentTitle: title });
    expect(hits[0]!.score).toBeGreaterThan(0);
  });

  it('HTML loses its scripts and styles', async () => {
    const { apiKey: key } = await newAccount(stack.database);
    const kb = await newBase(key);
    const up = await call('POST', `/api/knowledge-bases/${kb}/documents`, { key, form: fileForm('page.html') });
    const doc = await call('GET', `/api/knowledge-bases/${kb}/documents/${up.body.id}`, { key });
    const text = doc.body.chunks.map((c: { text: string }) => c.text).join('\n');
    expect(text).toContain('two working days');
    expect(text).not.toMatch(/secretInstruction|tracking|color: red/);
  });

  const refusals: [string, number, string][] = [
    ['encrypted.pdf', 400, 'FILE_ENCRYPTED'],
    ['scanned.pdf', 400, 'FILE_NO_TEXT'],
    ['bomb.docx', 413, 'FILE_UNPACKS_TOO_LARGE'],
    ['empty.txt', 400, 'FILE_EMPTY'],
    ['latin1.txt', 400, 'FILE_NOT_UTF8'],
  ];

  it.each(refusals)('%s is refused with %i %s and nothing is kept', async (name, status, code) => {
    const { apiKey: key } = await newAccount(stack.database);
    const kb = await newBase(key);
    const before = await rowCounts(kb);
    const r = await call('POST', `/api/knowledge-bases/${kb}/documents`, { key, form: fileForm(name) });
    expect(r.status, r.text).toBe(status);
    expect(r.body.error.code).toBe(code);
    expect(await rowCounts(kb)).toEqual(before);
  });

  it('says "OCR is not supported" for a scan', async () => {
    const { apiKey: key } = await newAccount(stack.database);
    const r = await call('POST', `/api/knowledge-bases/${await newBase(key)}/documents`, { key, form: fileForm('scanned.pdf') });
    expect(r.body.error.message).toContain('no text to index; OCR is not supported');
  });

  it('refuses a file over the configured limit with 413, keeping nothing', async () => {
    const { apiKey: key } = await newAccount(stack.database);
    const kb = await newBase(key);
    const big = new FormData();
    big.append('file', new Blob(['word '.repeat(5 * 1024 * 1024)]), 'big.txt');
    const r = await call('POST', `/api/knowledge-bases/${kb}/documents`, { key, form: big });
    expect(r.status, r.text).toBe(413);
    expect(r.body.error.code).toBe('PAYLOAD_TOO_LARGE');

    const small = await startApiServer(stack.database, { client: stack.temporal.client, taskQueue: 'no-worker-knowledge' }, { knowledge: { ...DEFAULT_KNOWLEDGE, maxFileBytes: 200 } });
    try {
      const over = await apiCall(small.url, 'POST', `/api/knowledge-bases/${kb}/documents`, { key, form: fileForm('handbook.md') });
      expect(over.status, over.text).toBe(413);
      expect(over.body.error).toMatchObject({ code: 'FILE_TOO_LARGE', details: { bytes: 276, maxBytes: 200 } });
      expect((await apiCall(small.url, 'POST', `/api/knowledge-bases/${kb}/documents`, { key, form: fileForm('notes.txt') })).status).toBe(201);
    } finally {
      await small.close();
    }
    expect(await rowCounts(kb)).toEqual({ documents: 1, chunks: 1 });
  });

  it('a read key cannot upload; another account cannot see or search the base', async () => {
    const { apiKey: key, accountId } = await newAccount(stack.database);
    const kb = await newBase(key);
    const reader = await newAccount(stack.database, { scope: 'read' });
    const readKey = await createApiKey(stack.database.db, accountId, { name: 'reader', scope: 'read' });
    const refused = await call('POST', `/api/knowledge-bases/${kb}/documents`, { key: readKey.apiKey, form: fileForm('notes.txt') });
    expect(refused.status).toBe(403);
    expect(await rowCounts(kb)).toEqual({ documents: 0, chunks: 0 });
    expect((await call('GET', `/api/knowledge-bases/${kb}/search?q=open`, { key: readKey.apiKey })).status).toBe(200);
    expect((await call('GET', `/api/knowledge-bases/${kb}/search?q=open`, { key: reader.apiKey })).status).toBe(404);
    expect((await call('POST', `/api/knowledge-bases/${kb}/documents`, { key: (await newAccount(stack.database)).apiKey, form: fileForm('notes.txt') })).status).toBe(404);
  });

  it('JSON documents go through the same chunking, and a deleted document leaves the search', async () => {
    const { apiKey: key } = await newAccount(stack.database);
    const kb = await call('POST', '/api/knowledge-bases', { key, json: { name: 'Posted', documents: [{ title: 'Roasting', content: '# Roasting\n\nLight roasts keep more acidity.' }] } });
    expect(kb.status, kb.text).toBe(201);
    const added = await call('POST', `/api/knowledge-bases/${kb.body.id}/documents`, { key, json: { title: 'Water', content: 'Soft water makes sweeter coffee.' } });
    expect(added.status, added.text).toBe(201);
    expect(added.body).toMatchObject({ title: 'Water', mediaType: 'text/plain', chunkCount: 1 });
    expect((await search(key, kb.body.id, 'Which roast keeps acidity?'))[0]?.documentTitle).toBe('Roasting');
    const list = await call('GET', `/api/knowledge-bases/${kb.body.id}/documents`, { key });
    expect(list.body.items.map((d: { title: string }) => d.title)).toEqual(['Water', 'Roasting']);
    expect((await call('DELETE', `/api/knowledge-bases/${kb.body.id}/documents/${added.body.id}`, { key })).status).toBe(204);
    expect(await search(key, kb.body.id, 'soft water')).toEqual([]);
  });
});
