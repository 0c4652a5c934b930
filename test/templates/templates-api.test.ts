import { describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/domain/accounts/index.js';
import { PROMPT_MARKERS } from '../../src/llm/index.js';
import { waitFor, waitForTaskEnd } from '../support/api-server.js';
import { newAccount, seedDistillations } from '../support/db.js';
import { graphViolations, jsonLdOf } from '../support/schema-org.js';
import { useTestStack } from '../support/stack.js';

/** Prompt templates on the real stack: the API, PostgreSQL, a worker on Temporal and the loopback LLM. */
const stack = useTestStack();
const call = (method: string, path: string, key: string, body?: unknown) => stack.api.call(method, path, key, body);

const FAQ = { name: 'FAQ house style', system: 'Write in {{language}} for {{company}}-minded readers.', user: 'Answer about {{keyword}}:\n{{topic_list}}\n\n{{knowledge}}\n\n{{company}}' };

async function account() {
  const a = await newAccount(stack.database);
  const [d] = await seedDistillations(stack.database, a.accountId, [{ keyword: 'espresso grinder', topics: ['Which burr?', 'How fine?'] }]);
  return { ...a, distillationId: d! };
}

describe('prompt templates API', () => {
  it('refuses an unknown placeholder and unbalanced braces with their positions, and keeps nothing', async () => {
    const a = await account();
    const unknown = await call('POST', '/api/templates', a.apiKey, { name: 'x', user: 'About {{keyword}}\nand {{ price }}' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.code).toBe('INVALID_TEMPLATE');
    expect(unknown.body.error.message).toContain('{{price}}');
    expect(unknown.body.error.details.problems).toEqual([
      expect.objectContaining({ part: 'user', line: 2, column: 5, problem: 'unknown_placeholder', placeholder: 'price' }),
    ]);
    const braces = await call('POST', '/api/templates', a.apiKey, { name: 'x', system: 'ok }}', user: '{{keyword' });
    expect(braces.status).toBe(400);
    expect(braces.body.error.details.problems).toEqual([
      expect.objectContaining({ part: 'system', line: 1, column: 4, problem: 'unopened_braces' }),
      expect.objectContaining({ part: 'user', line: 1, column: 1, problem: 'unclosed_braces' }),
    ]);
    const own = await call('GET', '/api/templates?preset=false', a.apiKey);
    expect(own.body.total).toBe(0);
  });

  it('keeps every revision; an invalid edit adds none', async () => {
    const a = await account();
    const created = await call('POST', '/api/templates', a.apiKey, FAQ);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({ name: FAQ.name, revision: 1, preset: false, system: FAQ.system, user: FAQ.user });
    const id = created.body.id as number;
    const put = await call('PUT', `/api/templates/${id}`, a.apiKey, { user: 'Shorter: {{keyword}} {{topics}}' });
    expect(put.body).toMatchObject({ revision: 2, system: FAQ.system, user: 'Shorter: {{keyword}} {{topics}}' });
    const patch = await call('PATCH', `/api/templates/${id}`, a.apiKey, { name: 'renamed' });
    expect(patch.body).toMatchObject({ revision: 3, name: 'renamed' });
    const bad = await call('PATCH', `/api/templates/${id}`, a.apiKey, { user: '{{nope}}' });
    expect(bad.status).toBe(400);
    const revisions = await call('GET', `/api/templates/${id}/revisions`, a.apiKey);
    expect(revisions.body.items.map((r: { revision: number; user: string }) => [r.revision, r.user])).toEqual([
      [3, 'Shorter: {{keyword}} {{topics}}'],
      [2, 'Shorter: {{keyword}} {{topics}}'],
      [1, FAQ.user],
    ]);
    // Another account sees none of it.
    const other = await newAccount(stack.database);
    expect((await call('GET', `/api/templates/${id}`, other.apiKey)).status).toBe(404);
    expect((await call('DELETE', `/api/templates/${id}`, a.apiKey)).status).toBe(204);
    expect((await call('GET', `/api/templates/${id}`, a.apiKey)).status).toBe(404);
  });

  it('previews the exact messages, knowledge and company in their delimited sections, without calling the model', async () => {
    const a = await account();
    const t = await call('POST', '/api/templates', a.apiKey, FAQ);
    const kb = await call('POST', '/api/knowledge-bases', a.apiKey, { name: 'Manual', documents: [{ title: 'Burrs', content: 'Conical burrs are quieter. {{keyword}} stays data.' }] });
    const ct = await call('POST', '/api/conversion-targets', a.apiKey, { companyName: 'GrindCo', industry: 'Coffee gear', website: 'https://grind.example' });
    const before = stack.stub.requests.length;
    const r = await call('POST', `/api/templates/${t.body.id}/preview`, a.apiKey, { distillationId: a.distillationId, knowledgeBaseId: kb.body.id, conversionTargetId: ct.body.id });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(stack.stub.requests.length).toBe(before);
    expect(r.body.templateId).toBe(t.body.id);
    expect(r.body.revision).toBe(1);
    const [system, user] = r.body.messages as { role: string; content: string }[];
    expect(system).toEqual({ role: 'system', content: `Write in English for ${PROMPT_MARKERS.conversionTarget}\nCompany: GrindCo\nIndustry: Coffee gear\nWebsite: https://grind.example\nPromote this business naturally near the end of the article (no hard sell).-minded readers.` });
    expect(user!.role).toBe('user');
    expect(user!.content).toContain(`${PROMPT_MARKERS.keyword}\nespresso grinder\n\nAnswer about espresso grinder:\n1. Which burr?\n2. How fine?\n\n${PROMPT_MARKERS.knowledgeBase}\n`);
    expect(user!.content).toContain('--- DOCUMENT: Burrs\nConical burrs are quieter. {{keyword}} stays data.');
    expect(user!.content).toContain(`${PROMPT_MARKERS.conversionTarget}\nCompany: GrindCo`);

    const missing = await call('POST', `/api/templates/${t.body.id}/preview`, a.apiKey, { distillationId: a.distillationId, albumId: 2_000_000_000 });
    expect(missing.status).toBe(400);
    expect(missing.body.error).toMatchObject({ code: 'INVALID_REFERENCE', details: { invalid: { albumId: [2_000_000_000] } } });
  });

  it('lists presets in both languages for every account; copies them, never changes them', async () => {
    const a = await account();
    const presets = await call('GET', '/api/templates?preset=true&pageSize=100', a.apiKey);
    expect(presets.status).toBe(200);
    const keys = (presets.body.items as { presetKey: string; preset: boolean }[]).map((p) => p.presetKey).sort();
    for (const kind of ['explainer', 'comparison', 'faq', 'how-to', 'buying-guide', 'listicle']) expect(keys).toEqual(expect.arrayContaining([`${kind}-en`, `${kind}-zh`]));
    const faq = (presets.body.items as { id: number; presetKey: string }[]).find((p) => p.presetKey === 'faq-zh')!;
    const put = await call('PUT', `/api/templates/${faq.id}`, a.apiKey, { user: 'mine {{keyword}}' });
    expect(put.status).toBe(403);
    expect(put.body.error.code).toBe('PRESET_READ_ONLY');
    expect((await call('DELETE', `/api/templates/${faq.id}`, a.apiKey)).body.error.code).toBe('PRESET_READ_ONLY');
    const copy = await call('POST', `/api/templates/${faq.id}/copy`, a.apiKey, {});
    expect(copy.status).toBe(201);
    expect(copy.body).toMatchObject({ preset: false, revision: 1, name: '常见问题（FAQ） (copy)' });
    const edited = await call('PUT', `/api/templates/${copy.body.id}`, a.apiKey, { user: 'mine {{keyword}}' });
    expect(edited.body).toMatchObject({ revision: 2, user: 'mine {{keyword}}' });
    const original = await call('GET', `/api/templates/${faq.id}`, a.apiKey);
    expect(original.body.user).not.toBe('mine {{keyword}}');
  });

  it('a read key sees templates and previews, cannot change them', async () => {
    const a = await account();
    const t = await call('POST', '/api/templates', a.apiKey, FAQ);
    const read = await createApiKey(stack.database.db, a.accountId, { scope: 'read', name: null });
    expect((await call('GET', `/api/templates/${t.body.id}`, read.apiKey)).status).toBe(200);
    expect((await call('PUT', `/api/templates/${t.body.id}`, read.apiKey, { name: 'no' })).status).toBe(403);
    expect((await call('POST', '/api/templates', read.apiKey, FAQ)).status).toBe(403);
  });

  it('a task writes with its template: the model gets the rendered messages, the article records template and revision', async () => {
    const a = await account();
    const t = await call('POST', '/api/templates', a.apiKey, { name: 'tagged', system: 'TEMPLATE-SYSTEM {{language}}', user: 'TEMPLATE-USER {{keyword}}\n{{topics}}' });
    await call('PUT', `/api/templates/${t.body.id}`, a.apiKey, { system: 'TEMPLATE-SYSTEM-R2 {{language}}' });
    const preview = await call('POST', `/api/templates/${t.body.id}/preview`, a.apiKey, { distillationId: a.distillationId });
    const task = await call('POST', '/api/article-generation/tasks', a.apiKey, { articleCount: 1, templateId: t.body.id });
    expect(task.status, JSON.stringify(task.body)).toBe(201);
    const done = await waitForTaskEnd(task.body.taskId, async () => (await call('GET', `/api/article-generation/tasks/${task.body.taskId}`, a.apiKey)).body);
    expect(done).toMatchObject({ status: 'completed', templateId: t.body.id, templateRevision: 2 });
    const sent = stack.stub.requests.find((r) => r.systemMessage.startsWith('TEMPLATE-SYSTEM-R2'))!;
    expect(sent.body.messages).toEqual(preview.body.messages);
    const article = await call('GET', `/api/articles/${done.generatedArticles[0].id}`, a.apiKey);
    expect(article.body).toMatchObject({ templateId: t.body.id, templateRevision: 2 });
    // The stub answers each question under a heading of its own: the HTML export says so in schema.org terms.
    const html = await fetch(`${stack.api.url}/api/articles/${article.body.id}/export?format=html`, { headers: { authorization: `Bearer ${a.apiKey}` } }).then((r) => r.text());
    const [ld] = jsonLdOf(html);
    expect(graphViolations(ld!)).toEqual([]);
    const [articleNode, faq] = ld!['@graph'] as Record<string, any>[];
    expect(articleNode).toMatchObject({ '@type': 'Article', headline: article.body.title, keywords: 'espresso grinder' });
    expect(faq!['@type']).toBe('FAQPage');
    expect(faq!.mainEntity.map((q: { name: string }) => q.name)).toEqual(['Which burr?', 'How fine?']);
  });

  it("the account's default template is used by a task naming none; the article setting and a template exclude each other", async () => {
    const a = await account();
    const t = await call('POST', '/api/templates', a.apiKey, { name: 'default one', user: 'DEFAULT-TEMPLATE {{keyword}} {{topics}}' });
    expect((await call('PUT', '/api/templates/default', a.apiKey, { templateId: t.body.id })).body).toEqual({ templateId: t.body.id });
    const list = await call('GET', '/api/templates?preset=false', a.apiKey);
    expect(list.body.items[0]).toMatchObject({ id: t.body.id, isDefault: true });
    const setting = await call('POST', '/api/article-settings', a.apiKey, { name: 's', prompt: 'Be brief {{not a placeholder}}' });
    const both = await call('POST', '/api/article-generation/tasks', a.apiKey, { articleCount: 1, templateId: t.body.id, articleSettingId: setting.body.id });
    expect(both.status).toBe(400);
    expect(both.body.error.code).toBe('TEMPLATE_AND_ARTICLE_SETTING');
    const task = await call('POST', '/api/article-generation/tasks', a.apiKey, { articleCount: 1 });
    const done = await waitForTaskEnd(task.body.taskId, async () => (await call('GET', `/api/article-generation/tasks/${task.body.taskId}`, a.apiKey)).body);
    expect(done).toMatchObject({ status: 'completed', templateId: t.body.id, templateRevision: 1 });
    expect(stack.stub.requests.some((r) => r.userMessage.includes('DEFAULT-TEMPLATE espresso grinder'))).toBe(true);
  });

  it('an article setting keeps answering (deprecated) and a task naming it writes as before, its prompt taken literally', async () => {
    const a = await account();
    const setting = await call('POST', '/api/article-settings', a.apiKey, { name: 's', prompt: 'LEGACY-SETTING {{kept as written}}' });
    expect(setting.status).toBe(201);
    const task = await call('POST', '/api/article-generation/tasks', a.apiKey, { articleCount: 1, articleSettingId: setting.body.id });
    const done = await waitForTaskEnd(task.body.taskId, async () => (await call('GET', `/api/article-generation/tasks/${task.body.taskId}`, a.apiKey)).body);
    expect(done).toMatchObject({ status: 'completed', templateId: null, templateRevision: null });
    const sent = stack.stub.requests.find((r) => r.systemMessage.startsWith('LEGACY-SETTING'))!;
    expect(sent.systemMessage).toBe('LEGACY-SETTING {{kept as written}}\n\nOutput format: the first line is the title as "# Title", followed by the body in Markdown.');
    const doc = await call('GET', '/api/openapi.json', a.apiKey);
    expect(doc.body.paths['/api/article-settings'].post.deprecated).toBe(true);
    expect(doc.body.paths['/api/templates'].post.deprecated).toBeUndefined();
  });

  it('a schedule picks a template: checked when saved, pinned by the task each run creates', async () => {
    const a = await account();
    const t = await call('POST', '/api/templates', a.apiKey, { name: 'scheduled', user: 'SCHEDULED {{keyword}} {{topics}}' });
    const bad = await call('POST', '/api/schedules', a.apiKey, { name: 'bad', intervalSeconds: 3600, paused: true, template: { articleCount: 1, templateId: 2_000_000_000 } });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: 'INVALID_REFERENCE', details: { invalid: { templateId: [2_000_000_000] } } });
    const created = await call('POST', '/api/schedules', a.apiKey, { name: 'daily', intervalSeconds: 3600, paused: true, template: { articleCount: 1, templateId: t.body.id } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.template.templateId).toBe(t.body.id);
    try {
      expect((await call('POST', `/api/schedules/${created.body.id}/trigger`, a.apiKey)).status).toBe(202);
      const run = await waitFor('the schedule run', async () => (await call('GET', `/api/schedules/${created.body.id}`, a.apiKey)).body.recentRuns[0]?.taskId ?? undefined);
      const done = await waitForTaskEnd(run, async () => (await call('GET', `/api/article-generation/tasks/${run}`, a.apiKey)).body);
      expect(done).toMatchObject({ status: 'completed', templateId: t.body.id, templateRevision: 1 });
    } finally {
      await call('DELETE', `/api/schedules/${created.body.id}`, a.apiKey);
    }
  });
});
