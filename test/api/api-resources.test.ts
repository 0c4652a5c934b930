import { describe, expect, it } from 'vitest';
import { newAccount } from '../support/db.js';
import { expectError, useHttpApi } from '../support/http-api.js';

/** The HTTP API end to end (test/support/http-api.ts): the account resources, each created, listed, read and deleted alike. */
const h = useHttpApi();

interface ResourceCase {
  name: string;
  path: string;
  valid: Record<string, unknown>;
  expected: Record<string, unknown>;
  invalid: [Record<string, unknown>, string][];
}

const resourceCases: ResourceCase[] = [
  {
    name: 'article settings',
    path: '/api/article-settings',
    valid: { name: ' Friendly ', prompt: 'Write warmly, in short paragraphs.' },
    expected: { name: 'Friendly', prompt: 'Write warmly, in short paragraphs.', deletedAt: null },
    invalid: [
      [{ name: '', prompt: 'p' }, 'name'],
      [{ name: 'n' }, 'prompt'],
      [{ name: 'n', prompt: 'p'.repeat(20_001) }, 'prompt'],
    ],
  },
  {
    name: 'knowledge bases',
    path: '/api/knowledge-bases',
    valid: {
      name: 'Coffee facts',
      documents: [
        { title: 'Roasting', content: 'Light roasts keep more acidity.' },
        { title: 'Grinding', content: 'Grind right before brewing.' },
      ],
    },
    expected: {
      name: 'Coffee facts',
      deletedAt: null,
      documents: [
        { id: expect.any(Number), title: 'Roasting', content: 'Light roasts keep more acidity.' },
        { id: expect.any(Number), title: 'Grinding', content: 'Grind right before brewing.' },
      ],
    },
    invalid: [
      [{ documents: [] }, 'name'],
      [{ name: 'kb', documents: [{ title: 't', content: '' }] }, 'documents.0.content'],
      [{ name: 'kb', documents: [{ content: 'c' }] }, 'documents.0.title'],
    ],
  },
  {
    name: 'albums',
    path: '/api/albums',
    valid: {
      name: 'Beans',
      images: [{ url: 'https://img.example.com/1.jpg', description: 'green beans' }, { url: 'https://img.example.com/2.jpg' }],
    },
    expected: {
      name: 'Beans',
      deletedAt: null,
      images: [
        { id: expect.any(Number), url: 'https://img.example.com/1.jpg', description: 'green beans', usageCount: 0 },
        { id: expect.any(Number), url: 'https://img.example.com/2.jpg', description: null, usageCount: 0 },
      ],
    },
    invalid: [
      [{ name: 'a', images: [{ url: 'not a url' }] }, 'images.0.url'],
      [{ name: 'a', images: [{ url: 'https://ok.example.com/x.png' }, { url: '' }] }, 'images.1.url'],
      [{ images: [] }, 'name'],
    ],
  },
  {
    name: 'conversion targets',
    path: '/api/conversion-targets',
    valid: { companyName: 'Acme Roasters', industry: 'Coffee', website: 'https://acme.example.com', address: '1 Bean St' },
    expected: {
      companyName: 'Acme Roasters',
      industry: 'Coffee',
      website: 'https://acme.example.com',
      address: '1 Bean St',
      deletedAt: null,
    },
    invalid: [
      [{ industry: 'x' }, 'companyName'],
      [{ companyName: 'Acme', website: 'acme dot com' }, 'website'],
      [{ companyName: 'Acme', industry: '' }, 'industry'],
    ],
  },
];

describe.each(resourceCases)('$name', ({ path, valid, expected, invalid }) => {
  it('creates (201), lists, gets and deletes (204, then 404)', async () => {
    const { accountId, apiKey } = await newAccount(h.database);
    const created = await h.call('POST', path, { key: apiKey, json: valid });
    expect(created.status, created.text).toBe(201);
    expect(created.body).toMatchObject({ ...expected, accountId });
    const id = created.body.id as number;
    expect(id).toBeGreaterThan(0);

    const second = await h.call('POST', path, { key: apiKey, json: valid });
    expect(second.status).toBe(201);
    const list = await h.call('GET', path, { key: apiKey });
    expect(list.status).toBe(200);
    expect(list.body.items.map((i: any) => i.id)).toEqual([second.body.id, id]);
    expect(list.body.items[1]).toMatchObject({ id, accountId });

    const got = await h.call('GET', `${path}/${id}`, { key: apiKey });
    expect(got.status).toBe(200);
    expect(got.body).toEqual(created.body);

    const del = await h.call('DELETE', `${path}/${id}`, { key: apiKey });
    expect(del.status).toBe(204);
    expect(del.text).toBe('');
    const gone = await h.call('GET', `${path}/${id}`, { key: apiKey });
    expect(expectError(gone, 404, 'NOT_FOUND').message).toContain(String(id));
    expectError(await h.call('DELETE', `${path}/${id}`, { key: apiKey }), 404, 'NOT_FOUND');
    const after = await h.call('GET', path, { key: apiKey });
    expect(after.body.items.map((i: any) => i.id)).toEqual([second.body.id]);

    expectError(await h.call('GET', `${path}/abc`, { key: apiKey }), 400, 'INVALID_ID');
    expectError(await h.call('DELETE', `${path}/abc`, { key: apiKey }), 400, 'INVALID_ID');
  });

  it('validates the body, naming the field', async () => {
    const { apiKey } = await newAccount(h.database);
    for (const [json, field] of invalid) {
      const r = await h.call('POST', path, { key: apiKey, json });
      const err = expectError(r, 400, 'VALIDATION_ERROR');
      expect(err.message).toContain(field);
      expect(err.details?.issues.map((i: any) => i.field)).toContain(field);
    }
    expectError(await h.call('POST', path, { key: apiKey, rawBody: '{' }), 400, 'INVALID_JSON');
    expect((await h.call('GET', path, { key: apiKey })).body.items).toEqual([]);
  });

  it("another account's id is 404 and invisible", async () => {
    const owner = await newAccount(h.database);
    const other = await newAccount(h.database);
    const created = await h.call('POST', path, { key: owner.apiKey, json: valid });
    const id = created.body.id as number;
    expectError(await h.call('GET', `${path}/${id}`, { key: other.apiKey }), 404, 'NOT_FOUND');
    expectError(await h.call('DELETE', `${path}/${id}`, { key: other.apiKey }), 404, 'NOT_FOUND');
    expect((await h.call('GET', path, { key: other.apiKey })).body.items).toEqual([]);
    const still = await h.call('GET', `${path}/${id}`, { key: owner.apiKey });
    expect(still.status).toBe(200);
    expect(still.body).toEqual(created.body);
  });
});

