import { describe, expect, it } from 'vitest';
import { PROMPT_MARKERS } from '../../src/llm/prompt.js';
import { waitForTaskEnd } from '../support/api-server.js';
import { newAccount, seedDistillations } from '../support/db.js';
import { invariantViolations } from '../support/invariants.js';
import { keywordOf, type StubRequest } from '../support/llm-stub.js';
import { useTestStack } from '../support/stack.js';

/**
 * The quality gate inside the durable per-article pipeline (real PostgreSQL, Temporal and loopback LLM):
 * a refused draft is written again with the reasons in the prompt, the last attempt is saved flagged and
 * counted, a near duplicate fails like a check. Three attempts per article.
 */
const stack = useTestStack({ latencyMs: 5, policy: { timeoutMs: 20_000, maxAttempts: 3, retryInitialMs: 50 } });
const { database } = stack;
const T = '/api/article-generation/tasks';

async function account(n: number, settings: Record<string, unknown>) {
  const acc = await newAccount(database);
  const keywords = Array.from({ length: n }, (_, i) => `qg-${acc.accountId}-${i}`);
  await seedDistillations(database, acc.accountId, keywords.map((keyword) => ({ keyword })));
  const put = await stack.api.call('PUT', '/api/quality-settings', acc.apiKey, settings);
  expect(put.status).toBe(200);
  return { ...acc, keywords };
}

async function runTask(apiKey: string, body: Record<string, unknown>) {
  const created = await stack.api.call('POST', T, apiKey, body);
  expect(created.status).toBe(201);
  const id = created.body.taskId as number;
  return waitForTaskEnd(id, async () => (await stack.api.call('GET', `${T}/${id}`, apiKey)).body);
}

const requestsFor = (keyword: string) => stack.stub.requests.filter((r) => keywordOf(r) === keyword);
const article = (title: string, body: string) => `# ${title}\n\n${body}`;
const LONG = 'Cold brew is coffee steeped in cold water for many hours, then filtered. '.repeat(4);

describe('quality gate', () => {
  it('rewrites a draft with a banned word, with the reason in the second prompt, and saves the clean one', async () => {
    const { apiKey, accountId, keywords } = await account(1, { bannedWords: ['违禁词', 'Forbidden'] });
    const kw = keywords[0]!;
    stack.stub.setBehavior((req: StubRequest) =>
      keywordOf(req) !== kw ? {} : { content: req.userMessage.includes(PROMPT_MARKERS.feedback) ? article('Clean', LONG) : article('Bad', `${LONG} 这是违禁词。`) },
    );
    const task = await runTask(apiKey, { articleCount: 1 });
    expect(task).toMatchObject({ status: 'completed', generatedCount: 1, flaggedCount: 0 });
    const [first, second] = requestsFor(kw);
    expect(requestsFor(kw)).toHaveLength(2);
    expect(first!.userMessage).not.toContain(PROMPT_MARKERS.feedback);
    expect(second!.userMessage).toContain(`${PROMPT_MARKERS.feedback}\n`);
    expect(second!.userMessage).toContain('- the article contains the banned word "违禁词"; do not use it');

    const saved = await stack.api.call('GET', `/api/articles/${task.generatedArticles[0].id}`, apiKey);
    expect(saved.body).toMatchObject({ title: 'Clean', qualityFlags: [], qualityScores: { attempt: 2, headings: 0, nearestArticleId: null } });
    expect(saved.body).not.toHaveProperty('simhashBands');
    expect(task.items[0]).toMatchObject({ state: 'saved', attempts: 2, error: null });
    // Both drafts were paid for: the task (and the account's stats) count the refused one's tokens too.
    expect(saved.body).toMatchObject({ promptTokens: second!.usage!.promptTokens, completionTokens: second!.usage!.completionTokens });
    expect(task).toMatchObject({
      promptTokens: first!.usage!.promptTokens + second!.usage!.promptTokens,
      completionTokens: first!.usage!.completionTokens + second!.usage!.completionTokens,
    });
    const stats = await stack.api.call('GET', '/api/stats', apiKey);
    expect(stats.body.allTime.tokens.prompt).toBe(task.promptTokens);
    expect(await invariantViolations(database, accountId)).toEqual([]);
  });

  it('saves a draft that fails every attempt flagged, with its reasons, and counts it on the task', async () => {
    const { apiKey, accountId, keywords } = await account(2, { minHeadings: 2, bannedWords: ['forbidden', 'his'] });
    stack.stub.resetCounters();
    stack.stub.setBehavior((req) => (keywordOf(req) === keywords[0] ? { content: article('Always bad', `${LONG} This is FORBIDDEN.\n\n## One`) } : {}));
    const task = await runTask(apiKey, { articleCount: 2, concurrency: 1 });
    expect(task).toMatchObject({ status: 'completed', generatedCount: 2, failedCount: 0, flaggedCount: 1 });
    expect(requestsFor(keywords[0]!)).toHaveLength(3);
    // The last prompt carries the reasons of the second attempt; only whole words are banned.
    expect(requestsFor(keywords[0]!)[2]!.userMessage).toContain('- the body has 1 Markdown headings; use at least 2 ("## Section")');
    const [bad, good] = task.generatedArticles;
    expect(bad.qualityFlags).toEqual([
      { check: 'headings', message: 'the body has 1 Markdown headings; use at least 2 ("## Section")', params: { headings: 1, min: 2 } },
      { check: 'banned_word', message: 'the article contains the banned word "forbidden"; do not use it', params: { word: 'forbidden' } },
    ]);
    expect(bad.qualityScores).toMatchObject({ attempt: 3, headings: 1 });
    // The stub's default article has one heading per topic (two): it passes at once.
    expect(good).toMatchObject({ qualityFlags: [], qualityScores: { attempt: 1, headings: 2 } });
    expect(requestsFor(keywords[1]!)).toHaveLength(1);
    expect(task.items.map((i: { state: string; error: string | null }) => [i.state, i.error])).toEqual([['saved', null], ['saved', null]]);
    expect(await invariantViolations(database, accountId)).toEqual([]);
  });

  it('flags the second of two identical articles as a near duplicate of the first', async () => {
    const { apiKey, accountId, keywords } = await account(2, { nearDuplicateMaxDistance: 3 });
    stack.stub.resetCounters();
    const same = article('The same article', `${LONG}\n\n## Brewing\n\nSteep it for twelve hours in the fridge, then filter it twice.`);
    stack.stub.setBehavior((req) => (keywords.includes(keywordOf(req) ?? '') ? { content: same } : {}));
    const task = await runTask(apiKey, { articleCount: 2, concurrency: 1 });
    expect(task).toMatchObject({ status: 'completed', generatedCount: 2, flaggedCount: 1 });
    const [first, second] = task.generatedArticles;
    expect(first.qualityFlags).toEqual([]);
    expect(second.qualityFlags).toEqual([{ check: 'near_duplicate', message: `too similar to article ${first.id}; write it differently, in your own structure and words`, params: { articleId: first.id } }]);
    expect(second.qualityScores).toMatchObject({ nearestArticleId: first.id, distance: 0, similarity: 1, attempt: 3 });
    const second3 = requestsFor(second.keyword);
    expect(second3).toHaveLength(3);
    expect(second3[1]!.userMessage).toContain(`- too similar to article ${first.id};`);
    expect(await invariantViolations(database, accountId)).toEqual([]);
  });

  it('does not count a soft-deleted article as a near duplicate', async () => {
    const { apiKey, accountId, keywords } = await account(2, { nearDuplicateMaxDistance: 3 });
    const same = article('Written twice', `${LONG}\n\n## Storing\n\nKeep it in a closed bottle in the fridge for up to two weeks.`);
    stack.stub.setBehavior((req) => (keywords.includes(keywordOf(req) ?? '') ? { content: same } : {}));
    const first = await runTask(apiKey, { articleCount: 1 });
    const gone = first.generatedArticles[0].id as number;
    expect((await stack.api.call('DELETE', `/api/articles/${gone}`, apiKey)).status).toBe(204);

    const again = await runTask(apiKey, { articleCount: 1 });
    expect(again).toMatchObject({ status: 'completed', generatedCount: 1, flaggedCount: 0 });
    const [saved] = again.generatedArticles;
    expect(saved).toMatchObject({ qualityFlags: [], qualityScores: { nearestArticleId: null, attempt: 1 } });
    expect(requestsFor(saved.keyword)).toHaveLength(1);
    expect(await invariantViolations(database, accountId)).toEqual([]);
  });
});

describe('quality settings API', () => {
  it('answers the defaults, takes an account\'s own, and names what is wrong in a bad request', async () => {
    const acc = await newAccount(database);
    const get = await stack.api.call('GET', '/api/quality-settings', acc.apiKey);
    expect(get).toMatchObject({ status: 200, body: { overrides: {}, settings: { minChars: 100, requireTitle: true, bannedWords: [] } } });
    expect(get.body.settings).toEqual(get.body.defaults);

    const put = await stack.api.call('PUT', '/api/quality-settings', acc.apiKey, { minChars: 300, maxChars: 5000, bannedWords: [' 广告 ', 'cheap'] });
    expect(put.status).toBe(200);
    expect(put.body.overrides).toEqual({ minChars: 300, maxChars: 5000, bannedWords: ['广告', 'cheap'] });
    expect(put.body.settings).toMatchObject({ minChars: 300, maxChars: 5000, requireTitle: true, bannedWords: ['广告', 'cheap'] });
    expect((await stack.api.call('GET', '/api/quality-settings', acc.apiKey)).body).toEqual(put.body);

    const bad = async (body: unknown, field: string, message: RegExp) => {
      const r = await stack.api.call('PUT', '/api/quality-settings', acc.apiKey, body);
      expect(r.status).toBe(400);
      expect(r.body.error.code).toBe('VALIDATION_ERROR');
      expect(r.body.error.details.issues).toEqual([expect.objectContaining({ field, message: expect.stringMatching(message) })]);
    };
    await bad({ minChars: -1 }, 'minChars', /at least 0/);
    await bad({ nearDuplicateMaxDistance: 4 }, 'nearDuplicateMaxDistance', /at most 3/);
    await bad({ bannedWords: ['  '] }, 'bannedWords.0', /must not be empty/);
    await bad({ bannedWords: ['two\nlines'] }, 'bannedWords.0', /one line/);
    await bad({ requireTitle: 'yes' }, 'requireTitle', /true or false/);
    await bad({ minHeadings: 1, minHeading: 2 }, 'minHeading', /unknown field/);
    await bad({ minChars: 6000, maxChars: 5000 }, 'maxChars', /maxChars \(5000\) is below minChars \(6000\)/);
    // A PUT replaces: without maxChars the default (no limit) applies again, so 6000 is fine now.
    expect((await stack.api.call('PUT', '/api/quality-settings', acc.apiKey, { minChars: 6000 })).body.settings).toMatchObject({ minChars: 6000, maxChars: null });

    const reader = await newAccount(database, { scope: 'read' });
    expect((await stack.api.call('GET', '/api/quality-settings', reader.apiKey)).status).toBe(200);
    const refused = await stack.api.call('PUT', '/api/quality-settings', reader.apiKey, { minChars: 1 });
    expect(refused).toMatchObject({ status: 403, body: { error: { code: 'FORBIDDEN_SCOPE' } } });
  });
});
