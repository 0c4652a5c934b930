import { graphViolations, jsonLdOf } from '../support/schema-org.js';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { callJson } from '../support/api-server.js';
import { runArticleTask } from '../support/article-tasks.js';
import { newAccount } from '../support/db.js';
import { useTestStack } from '../support/stack.js';

/** Filters, English and Chinese full-text search, and every export format parsed back, through real HTTP. */

const stack = useTestStack();
const A = '/api/articles';
let key: string;
let other: string;
let taskId: number;
let ids: number[];

const call = (method: string, path: string, json?: unknown, as = key) => callJson(stack.api.url, method, path, as, json);
const found = async (query: string, as = key) => {
  const r = await call('GET', `${A}?${query}`, undefined, as);
  expect(r.status, r.text).toBe(200);
  return (r.body.articles as { id: number }[]).map((a) => a.id).sort((x, y) => x - y);
};
/** The articles in export order (id) with the text each was given. */
const byId = () => ids.map((id, i) => ({ id, text: TEXTS[i]! })).sort((x, y) => x.id - y.id);
async function download(path: string) {
  const res = await fetch(`${stack.api.url}${path}`, { headers: { authorization: `Bearer ${key}` } });
  return { status: res.status, type: res.headers.get('content-type'), disposition: res.headers.get('content-disposition'), bytes: Buffer.from(await res.arrayBuffer()) };
}

const TEXTS = [
  { title: 'Optimising for AI search', content: 'Search engine optimisation changes when assistants answer.\n\n## Why\n\nBecause **models** cite sources.' },
  { title: '内容营销指南', content: '内容营销怎么做？我们的内容营销策略很简单。' },
  { title: 'Mixed GEO优化 notes', content: '生成式引擎优化 (GEO) explained, with `code` and <script>alert(1)</script> and [bad](javascript:alert(1)) and [good](https://example.com/a?b=1&c=2).' },
  { title: 'Unrelated', content: 'Gardening in spring: tomatoes and beans.' },
];

beforeAll(async () => {
  ({ apiKey: key } = await newAccount(stack.database));
  ({ apiKey: other } = await newAccount(stack.database));
  ({ taskId, articleIds: ids } = await runArticleTask(stack.api.url, key, ['search 1', 'search 2', 'search 3', 'search 4']));
  for (const [i, text] of TEXTS.entries()) expect((await call('PATCH', `${A}/${ids[i]}`, text)).status).toBe(200);
  await call('POST', `${A}/${ids[3]}/approve`);
});

describe('GET /api/articles filters and search', () => {
  it('English: stemmed words over title and content, all terms required', async () => {
    expect(await found('q=optimisation')).toEqual([ids[0]]);
    expect(await found('q=optimise%20assistants')).toEqual([ids[0]]);
    expect(await found('q=explained')).toEqual([ids[2]]);
    expect(await found('q=optimisation%20tomatoes')).toEqual([]);
    expect(await found('q=tomatoes', other)).toEqual([]);
  });

  it('Chinese: words inside runs of characters, phrases, one character, mixed scripts', async () => {
    expect(await found(`q=${encodeURIComponent('营销')}`)).toEqual([ids[1]]);
    expect(await found(`q=${encodeURIComponent('内容营销策略')}`)).toEqual([ids[1]]);
    expect(await found(`q=${encodeURIComponent('指南')}`)).toEqual([ids[1]]);
    expect(await found(`q=${encodeURIComponent('优化')}`)).toEqual([ids[2]]);
    expect(await found(`q=${encodeURIComponent('GEO优化')}`)).toEqual([ids[2]]);
    expect(await found(`q=${encodeURIComponent('销')}`)).toEqual([ids[1]]);
    expect(await found(`q=${encodeURIComponent('简')}`)).toEqual([ids[1]]);
    expect(await found(`q=${encodeURIComponent('销内')}`)).toEqual([]);
    expect(await found(`q=${encodeURIComponent('营销 tomatoes')}`)).toEqual([]);
  });

  it('task, review status, keyword, distillation and created range combine; bad values are 400 naming the field', async () => {
    expect(await found(`taskId=${taskId}&reviewStatus=approved`)).toEqual([ids[3]]);
    const article = (await call('GET', `${A}/${ids[0]}`)).body;
    expect(await found(`keyword=${encodeURIComponent(article.keyword)}`)).toEqual([ids[0]]);
    expect(await found(`distillationId=${article.distillationId}`)).toEqual([ids[0]]);
    const from = new Date(Date.parse(article.createdAt) - 60_000).toISOString();
    expect(await found(`taskId=${taskId}&createdFrom=${from}`)).toEqual([...ids].sort((x, y) => x - y));
    expect(await found(`taskId=${taskId}&createdTo=${from}`)).toEqual([]);
    for (const [query, field] of [['reviewStatus=done', 'reviewStatus'], ['createdFrom=yesterday', 'createdFrom'], ['q=%21%21', 'q'], ['distillationId=0', 'distillationId']]) {
      const r = await call('GET', `${A}?${query}`);
      expect([query, r.status, r.body.error.code]).toEqual([query, 400, 'VALIDATION_ERROR']);
      expect(r.body.error.message).toContain(field);
    }
  });
});

describe('export', () => {
  it('one article as Markdown with front matter that parses back', async () => {
    const r = await download(`${A}/${ids[1]}/export?format=md`);
    expect([r.status, r.type]).toEqual([200, 'text/markdown; charset=utf-8']);
    expect(r.disposition).toContain('attachment');
    const [, yaml, body] = /^---\n([\s\S]*?)\n---\n\n([\s\S]*)$/.exec(r.bytes.toString('utf8'))!;
    expect(parseYaml(yaml!)).toMatchObject({ id: ids[1], title: TEXTS[1]!.title, taskId, reviewStatus: 'pending_review' });
    expect(body).toBe(`${TEXTS[1]!.content}\n`);
  });

  it('one article as a JSON object (a JSON answer that already ends in a newline is served whole)', async () => {
    const r = await download(`${A}/${ids[1]}/export?format=json`);
    expect([r.status, r.type]).toEqual([200, 'application/json; charset=utf-8']);
    expect(JSON.parse(r.bytes.toString('utf8'))).toMatchObject({ id: ids[1], title: TEXTS[1]!.title, content: TEXTS[1]!.content });
  });

  it('HTML escapes raw HTML and unsafe links and renders the Markdown it knows', async () => {
    const r = await download(`${A}/${ids[2]}/export?format=html`);
    const html = r.bytes.toString('utf8');
    expect(r.type).toBe('text/html; charset=utf-8');
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toMatch(/href="javascript/i);
    expect(html).toContain('<a href="https://example.com/a?b=1&amp;c=2" rel="nofollow noopener">good</a>');
    expect(html).toContain('<code>code</code>');
    const md = (await download(`${A}/${ids[0]}/export?format=html`)).bytes.toString('utf8');
    expect(md).toContain('<h2>Why</h2>');
    expect(md).toContain('<strong>models</strong>');
  });

  it('many as JSON Lines, Markdown documents and one HTML page, filtered', async () => {
    const json = await download(`${A}/export?taskId=${taskId}&format=json`);
    expect(json.type).toBe('application/x-ndjson; charset=utf-8');
    const lines = json.bytes.toString('utf8').trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.id, l.title, l.content])).toEqual(byId().map(({ id, text }) => [id, text.title, text.content]));

    const md = (await download(`${A}/export?taskId=${taskId}&reviewStatus=pending_review&format=md`)).bytes.toString('utf8');
    const docs = md.split(/^<!-- artgen:article \d+ -->\n/m).slice(1);
    expect(docs.map((d) => parseYaml(/^---\n([\s\S]*?)\n---\n/.exec(d)![1]!).id)).toEqual(byId().filter(({ id }) => id !== ids[3]).map(({ id }) => id));

    const html = (await download(`${A}/export?taskId=${taskId}&format=html`)).bytes.toString('utf8');
    expect(html.match(/<article id="article-\d+">/g)).toHaveLength(4);
    // Each article carries its schema.org JSON-LD, valid for the types it uses.
    const lds = jsonLdOf(html);
    expect(lds).toHaveLength(4);
    for (const ld of lds) expect(graphViolations(ld)).toEqual([]);
    expect(html.startsWith('<!doctype html>') && html.endsWith('</html>\n')).toBe(true);

    const none = (await download(`${A}/export?taskId=${taskId}&q=nothingmatches&format=json`)).bytes.toString('utf8');
    expect(none).toBe('');
  });

  it('a zip with one Markdown file per article that unzip lists and reads back', async () => {
    const r = await download(`${A}/export?taskId=${taskId}&format=zip`);
    expect([r.status, r.type]).toEqual([200, 'application/zip']);
    const dir = mkdtempSync(path.join(tmpdir(), 'artgen-zip-'));
    const file = path.join(dir, 'articles.zip');
    writeFileSync(file, r.bytes);
    execFileSync('unzip', ['-tq', file]);
    const names = execFileSync('unzip', ['-Z1', file], { encoding: 'utf8' }).trim().split('\n');
    expect(names).toEqual(byId().map(({ id, text }) => `${String(id).padStart(6, '0')}-${text.title.replace(/[^\p{L}\p{N}]+/gu, '-').replace(/-+$/, '')}.md`));
    const chinese = names.find((n) => n.includes('内容营销指南'))!;
    const second = execFileSync('unzip', ['-p', file, chinese], { encoding: 'utf8' });
    expect(parseYaml(/^---\n([\s\S]*?)\n---\n/.exec(second)![1]!)).toMatchObject({ id: ids[1], title: '内容营销指南' });
    expect(second.endsWith(`${TEXTS[1]!.content}\n`)).toBe(true);
  });

  it('bad formats are 400; another account exports nothing of this one', async () => {
    const bad = await call('GET', `${A}/export?format=pdf`);
    expect([bad.status, bad.body.error.code]).toEqual([400, 'VALIDATION_ERROR']);
    const badOne = await call('GET', `${A}/${ids[0]}/export?format=zip`);
    expect(badOne.status).toBe(400);
    const res = await fetch(`${stack.api.url}${A}/export?taskId=${taskId}&format=json`, { headers: { authorization: `Bearer ${other}` } });
    expect([res.status, await res.text()]).toEqual([200, '']);
  });
  it('a task export names the task and leaves rejected articles out unless a review filter asks for them', async () => {
    const all = await download(`${A}/export?taskId=${taskId}&format=json`);
    expect(all.disposition).toContain(`filename="task-${taskId}-articles-`);
    expect((await download(`${A}/export?format=json`)).disposition).toMatch(/filename="articles-\d{4}-\d{2}-\d{2}\.jsonl"/);
    expect((await call('POST', `${A}/${ids[0]}/reject`, { reason: 'off topic' })).status).toBe(200);
    const lines = async (query: string) =>
      (await download(`${A}/export?${query}&format=json`)).bytes.toString('utf8').trimEnd().split('\n').filter(Boolean).map((l) => JSON.parse(l).id as number);
    expect(await lines(`taskId=${taskId}`)).toEqual(byId().map(({ id }) => id).filter((id) => id !== ids[0]));
    expect(await lines(`taskId=${taskId}&reviewStatus=rejected`)).toEqual([ids[0]]);
    // The list is not an export: it still shows every article.
    expect(await found(`taskId=${taskId}`)).toEqual([...ids].sort((x, y) => x - y));
  });
});
