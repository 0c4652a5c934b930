import type { Browser, BrowserContext, HTTPResponse, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/domain/accounts/index.js';
import { waitForTaskEnd } from '../support/api-server.js';
import { describeViolations, wcagViolations } from '../support/axe.js';
import { clearInput, launchBrowser, newPage, screenshot, textOf } from '../support/browser.js';
import { newAccount, seedDistillations } from '../support/db.js';
import { useTestStack } from '../support/stack.js';

/**
 * The materials pages in a real Chromium over the real stack: an album with images (a refused URL
 * worded as the API words it), a conversion target, the quality gate's thresholds changed in English and
 * in Chinese (refusals the same as the API's), then a task started from the new-task page with them, whose
 * API detail, prompt, article and image usage show it used them; empty pickers link to these pages; a read
 * key sees every page and changes nothing; every page axe clean in both languages.
 */

const stack = useTestStack();
const TASKS = '/api/article-generation/tasks';
let browser: Browser;
const contexts: BrowserContext[] = [];
let writer: Awaited<ReturnType<typeof newAccount>>;
let readKey = '';
const ids = { album: 0, target: 0, task: 0 };
const IMAGES = ['https://img.example.com/pump-front.jpg', 'https://img.example.com/pump-side.jpg'];

const go = (p: Page, path: string) => p.goto(`${stack.api.url}${path}`, { waitUntil: 'load' });
const at = (p: Page) => new URL(p.url()).pathname + new URL(p.url()).search;

/** A page in its own browser context (its own session), with the CSP bypassed so axe can be injected. */
async function signedInPage(key: string, lang: 'en' | 'zh') {
  const context = await browser.createBrowserContext();
  contexts.push(context);
  const p = await newPage(context, lang);
  await p.setBypassCSP(true);
  await go(p, '/sign-in');
  await p.type('#api-key', key);
  await press(p, 'form[action="/sign-in"] button');
  return p;
}

/** Sends a form from its button by keyboard and answers the response of the page it leads to. */
async function press(p: Page, button: string): Promise<HTTPResponse | null> {
  await p.focus(button);
  const [response] = await Promise.all([p.waitForNavigation({ waitUntil: 'load' }), p.keyboard.press('Enter')]);
  return response;
}

async function fill(p: Page, selector: string, value: string) {
  await clearInput(p, selector);
  if (value) await p.type(selector, value);
}

/** The page has no WCAG A/AA violations at 1200 px and at 375 px, and does not scroll sideways on a phone. */
async function expectAxeClean(p: Page, name: string) {
  await p.setViewport({ width: 1200, height: 900 });
  const wide = await wcagViolations(p);
  await p.setViewport({ width: 375, height: 800 });
  const narrow = await wcagViolations(p);
  const scrollWidth = (await p.evaluate('document.documentElement.scrollWidth')) as number;
  await p.setViewport({ width: 1200, height: 900 });
  expect(wide.length + narrow.length, [describeViolations(`${name} 1200`, wide), describeViolations(`${name} 375`, narrow)].join('\n')).toBe(0);
  expect(scrollWidth, `${name} scrolls sideways at 375 px`).toBeLessThanOrEqual(375);
}

/** The first issue message of a refused API request. */
const apiIssue = (reply: { body: any }) => (reply.body.error.details?.issues?.[0]?.message ?? reply.body.error.message) as string;

beforeAll(async () => {
  writer = await newAccount(stack.database);
  readKey = (await createApiKey(stack.database.db, writer.accountId, { scope: 'read', name: 'reader' })).apiKey;
  await seedDistillations(stack.database, writer.accountId, [
    { keyword: 'Water pumps', topics: ['How to choose a water pump?', 'What does a pump cost?'] },
    { keyword: 'Pump repair', topics: ['When to repair a pump?'] },
  ]);
  browser = await launchBrowser();
}, 60_000);
afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => undefined);
  await browser?.close();
});

describe('materials in the web console', () => {
  it('shows empty pickers with a link to create one, on the new-task and new-schedule forms', async () => {
    const p = await signedInPage(writer.apiKey, 'en');
    await go(p, '/tasks/new');
    expect(await textOf(p, '#ingredient-album-none')).toBe('No albums yet: create one');
    expect(await p.$eval('#ingredient-album-none a', (a: any) => a.getAttribute('href'))).toBe('/albums');
    expect(await p.$eval('#ingredient-conversionTarget-none a', (a: any) => a.getAttribute('href'))).toBe('/conversion-targets');
    expect(await textOf(p, '#ingredient-knowledgeBase-none')).toBe('No knowledge bases yet: create one');
    await go(p, '/schedules/new');
    expect(await textOf(p, '#albumId-none')).toBe('No albums yet: create one');
    expect(await textOf(p, '#conversionTargetId-none')).toBe('No conversion targets yet: create one');
    // The navigation's settings group links each material page; /materials still lists them.
    await go(p, '/albums');
    expect(await p.$eval('.main-nav a[aria-current="page"]', (a: any) => a.innerText)).toBe('Albums');
    await go(p, '/materials');
    expect(await p.$$eval('#material-pages a', (as: any[]) => as.map((a) => a.getAttribute('href')))).toEqual(['/albums', '/conversion-targets', '/quality-settings']);
    await expectAxeClean(p, 'materials (en)');
  });

  it('creates an album in English, refuses a non-http image URL with the API\'s words, adds, removes and renames', async () => {
    const p = await signedInPage(writer.apiKey, 'en');
    await go(p, '/albums');
    expect(await textOf(p, '#albums tbody')).toBe('Nothing here yet.');
    await fill(p, '#album-name', 'Pump photos');
    await press(p, '#create-album');
    expect(at(p)).toMatch(/^\/albums\/\d+\?created$/);
    ids.album = Number(new URL(p.url()).pathname.split('/')[2]);
    expect(await textOf(p, '.notice')).toBe('Album created: add its images below.');
    expect(await textOf(p, '#no-images')).toContain('No images yet');

    // javascript: is a URL to the browser, not to the API: refused with the API's own message, the form kept.
    await fill(p, '#image-url', 'javascript:alert(1)');
    await fill(p, '#image-description', 'bad');
    const refused = await press(p, '#add-image-button');
    expect(refused?.status()).toBe(400);
    const api = await stack.api.call('POST', '/api/albums', writer.apiKey, { name: 'x', images: [{ url: 'javascript:alert(1)' }] });
    expect(api.status).toBe(400);
    expect(await textOf(p, '#image-error')).toBe(apiIssue(api));
    expect(apiIssue(api)).toBe('url must be an http:// or https:// URL');
    expect(await p.$eval('#image-url', (e: any) => e.value)).toBe('javascript:alert(1)');

    for (const [i, url] of [...IMAGES, 'https://img.example.com/spare.jpg'].entries()) {
      await fill(p, '#image-url', url);
      await fill(p, '#image-description', i === 0 ? 'The pump from the front' : '');
      await press(p, '#add-image-button');
      expect(await textOf(p, '.notice')).toBe('Image added.');
    }
    const spare = await p.$eval('#album-images tbody tr:last-child', (tr: any) => Number(tr.getAttribute('data-image-id')));
    await press(p, `form[action="/albums/${ids.album}/images/${spare}/remove"] button`);
    expect(await textOf(p, '.notice')).toContain('Image removed');
    expect(await p.$$eval('#album-images tbody tr .image-url code', (cs: any[]) => cs.map((c) => c.innerText))).toEqual(IMAGES);
    // Nothing used yet: the oldest image is the next one.
    expect(await textOf(p, '#album-images tbody tr:first-child .state-badge')).toBe('next');
    expect(await p.$$eval('#album-images .image-used', (tds: any[]) => tds.map((td) => td.innerText))).toEqual(['0 articles', '0 articles']);

    await fill(p, '#album-rename', '   ');
    expect((await press(p, '#rename-album-button'))?.status()).toBe(400);
    expect(await textOf(p, '#rename-error')).toBe('name is required');
    await fill(p, '#album-rename', 'Pump photos 2026');
    await press(p, '#rename-album-button');
    expect(await textOf(p, 'h1')).toBe('Album: Pump photos 2026');
    await expectAxeClean(p, 'album (en)');
    await screenshot(p, 'album');
    await go(p, '/albums');
    expect(await textOf(p, `tr[data-album-id="${ids.album}"] .album-images`)).toBe('2');
    await expectAxeClean(p, 'albums (en)');
  });

  it('creates and edits a conversion target in Chinese; a bad website is refused in Chinese, for the reason the API refuses it', async () => {
    const p = await signedInPage(writer.apiKey, 'zh');
    await go(p, '/conversion-targets');
    expect(await textOf(p, 'h1')).toBe('转化目标');
    await fill(p, '#target-company', 'Acme Pumps');
    await fill(p, '#target-website', 'ftp://acme.example.com');
    const refused = await press(p, '#create-target');
    expect(refused?.status()).toBe(400);
    const api = await stack.api.call('POST', '/api/conversion-targets', writer.apiKey, { companyName: 'Acme Pumps', website: 'ftp://acme.example.com' });
    expect(apiIssue(api)).toBe('website must be an http:// or https:// URL');
    expect(await textOf(p, '#target-error')).toBe('网站：不是有效的网址。');
    expect(await p.$eval('#target-company', (e: any) => e.value)).toBe('Acme Pumps');

    await fill(p, '#target-website', 'https://acme.example.com');
    await fill(p, '#target-industry', '水泵');
    await press(p, '#create-target');
    ids.target = Number(new URL(p.url()).searchParams.get('created'));
    expect(await textOf(p, '.notice')).toBe(`转化目标 ${ids.target} 已创建。`);
    await expectAxeClean(p, 'conversion targets (zh)');
    await screenshot(p, 'conversion-targets');

    await go(p, `/conversion-targets/${ids.target}/edit`);
    await expectAxeClean(p, 'conversion target edit (zh)');
    await fill(p, '#edit-address', '上海市浦东新区 1 号');
    await press(p, '#save-target');
    expect(await textOf(p, '.notice')).toBe(`转化目标 ${ids.target} 已保存。`);
    const stored = await stack.api.call('GET', `/api/conversion-targets/${ids.target}`, writer.apiKey);
    expect(stored.body).toMatchObject({ companyName: 'Acme Pumps', industry: '水泵', website: 'https://acme.example.com', address: '上海市浦东新区 1 号' });
  });

  it('changes quality thresholds in English and Chinese; what the API refuses the page refuses with the same message', async () => {
    const en = await signedInPage(writer.apiKey, 'en');
    await go(en, '/quality-settings');
    expect(await textOf(en, '[data-check="minHeadings"] .applies')).toBe('0 headings (follows the default)');
    await fill(en, '#q-min-headings', '1');
    await fill(en, '#q-banned-words', 'forbidden\ncheapest');
    await press(en, '#save-quality');
    expect(await textOf(en, '.notice')).toContain('Quality settings saved');
    expect(await textOf(en, '[data-check="minHeadings"] .applies')).toBe('1 headings (your own)');
    expect(await textOf(en, '[data-check="bannedWords"] .applies')).toBe('forbidden, cheapest (your own)');

    // A maximum below the minimum: the domain's cross-field refusal, worded as the API words it.
    await fill(en, '#q-min-chars', '500');
    await fill(en, '#q-max-chars', '100');
    expect((await press(en, '#save-quality'))?.status()).toBe(400);
    const crossField = await stack.api.call('PUT', '/api/quality-settings', writer.apiKey, { minChars: 500, maxChars: 100 });
    expect(crossField.status).toBe(400);
    expect(await textOf(en, '#quality-error')).toBe(apiIssue(crossField));
    expect(await en.$eval('#q-max-chars', (e: any) => e.value)).toBe('100');
    // Past the field's range (a browser without validation sends it): the schema's message, as the API's.
    await en.$eval('#quality-settings', (f: any) => (f.noValidate = true));
    await fill(en, '#q-max-chars', '');
    await fill(en, '#q-min-chars', '');
    await fill(en, '#q-near-duplicate', '5');
    expect((await press(en, '#save-quality'))?.status()).toBe(400);
    const range = await stack.api.call('PUT', '/api/quality-settings', writer.apiKey, { nearDuplicateMaxDistance: 5 });
    expect(await textOf(en, '#quality-error')).toBe(apiIssue(range));
    expect(apiIssue(range)).toBe('nearDuplicateMaxDistance must be at most 3');
    await expectAxeClean(en, 'quality settings refused (en)');

    const zh = await signedInPage(writer.apiKey, 'zh');
    await go(zh, '/quality-settings');
    expect(await textOf(zh, '[data-check="requireCompanyName"] legend')).toBe('提及公司');
    expect(await textOf(zh, '[data-check="minHeadings"] .applies')).toBe('1 个小标题（自定义）');
    await zh.select('#q-require-company', 'off');
    await zh.$eval('input[name="nearDuplicateOff"]', (b: any) => (b.checked = true));
    await press(zh, '#save-quality');
    expect(await textOf(zh, '.notice')).toContain('质量设置已保存');
    expect(await textOf(zh, '[data-check="requireCompanyName"] .applies')).toBe('关闭（自定义）');
    await expectAxeClean(zh, 'quality settings (zh)');
    await screenshot(zh, 'quality-settings');
    const settings = await stack.api.call('GET', '/api/quality-settings', writer.apiKey);
    expect(settings.body.overrides).toEqual({ minHeadings: 1, bannedWords: ['forbidden', 'cheapest'], requireCompanyName: false, nearDuplicateMaxDistance: null });
  });

  it('starts a task from the new-task page with the album and the conversion target; the task, its prompt and the image usage show them', async () => {
    const p = await signedInPage(writer.apiKey, 'en');
    await go(p, '/tasks/new');
    expect(await p.$('#ingredient-album-none')).toBeNull();
    await p.select('#ingredient-album', String(ids.album));
    await p.select('#ingredient-conversionTarget', String(ids.target));
    await fill(p, '#article-count', '2');
    await press(p, '#new-task button[type="submit"]');
    expect(at(p)).toMatch(/^\/tasks\/\d+$/);
    ids.task = Number(new URL(p.url()).pathname.split('/')[2]);

    const task = await waitForTaskEnd(ids.task, async () => (await stack.api.call('GET', `${TASKS}/${ids.task}`, writer.apiKey)).body, 60_000);
    expect(task).toMatchObject({ status: 'completed', albumId: ids.album, conversionTargetId: ids.target, knowledgeBaseId: null, generatedCount: 2 });
    const prompts = stack.stub.requests.map((r) => r.userMessage);
    expect(prompts.some((m) => m.includes('Acme Pumps') && m.includes('https://acme.example.com'))).toBe(true);
    const articles = (await stack.api.call('GET', `/api/articles?taskId=${ids.task}`, writer.apiKey)).body.articles as { id: number }[];
    const images = await Promise.all(articles.map(async (a) => (await stack.api.call('GET', `/api/articles/${a.id}`, writer.apiKey)).body.imageUrl as string));
    // Each article took the least used image: two articles, two different images.
    expect(images.sort()).toEqual([...IMAGES].sort());

    await go(p, `/albums/${ids.album}`);
    expect(await p.$$eval('#album-images .image-used', (tds: any[]) => tds.map((td) => td.innerText))).toEqual(['1 articles', '1 articles']);
  });

  it('lets a read key see every materials page and change nothing (no forms, 403 on a crafted POST)', async () => {
    for (const lang of ['en', 'zh'] as const) {
      const p = await signedInPage(readKey, lang);
      for (const path of ['/materials', '/albums', `/albums/${ids.album}`, '/conversion-targets', '/quality-settings']) {
        const response = await go(p, path);
        expect(response?.status(), path).toBe(200);
        expect(await p.$$('form[method="post"]:not(.sign-out)'), path).toHaveLength(0);
        await expectAxeClean(p, `${path} read-only (${lang})`);
      }
      expect(await p.$eval('.quality-fields', (f: any) => f.disabled)).toBe(true);
      expect(await textOf(p, '#quality-read-only')).toBe(lang === 'en' ? 'A read key sees the settings but cannot change them.' : '只读密钥可以查看设置，但不能修改。');
      expect((await go(p, `/albums/${ids.album}/delete`))?.status()).toBe(403);
      expect((await go(p, `/conversion-targets/${ids.target}/edit`))?.status()).toBe(403);
      await go(p, '/albums');
      // The session's own token (from the sign-out form): the refusal is the scope's, not the CSRF check's.
      const statuses = await p.evaluate(async (album: number) => {
        const token = (globalThis as any).document.querySelector('form.sign-out input[name="_csrf"]').value as string;
        const post = async (path: string, fields: Record<string, string>) =>
          (await fetch(path, { method: 'POST', body: new URLSearchParams({ _csrf: token, ...fields }) })).status;
        return [
          await post('/albums', { name: 'sneaky' }),
          await post(`/albums/${album}/images`, { url: 'https://img.example.com/x.jpg' }),
          await post(`/albums/${album}/delete`, {}),
          await post('/conversion-targets', { companyName: 'sneaky' }),
          await post('/quality-settings', { minChars: '1' }),
        ];
      }, ids.album);
      expect(statuses).toEqual([403, 403, 403, 403, 403]);
    }
    expect((await stack.api.call('GET', '/api/albums', writer.apiKey)).body.total).toBe(1);
    expect((await stack.api.call('GET', `/api/albums/${ids.album}`, writer.apiKey)).body.images).toHaveLength(2);
    expect((await stack.api.call('GET', '/api/conversion-targets', writer.apiKey)).body.total).toBe(1);
    expect((await stack.api.call('GET', '/api/quality-settings', writer.apiKey)).body.overrides.minChars).toBeUndefined();
  });

  it('deletes an album and a conversion target after a confirmation (soft: the task keeps its references)', async () => {
    const p = await signedInPage(writer.apiKey, 'zh');
    await go(p, `/albums/${ids.album}/delete`);
    await expectAxeClean(p, 'album delete (zh)');
    await press(p, '#confirm-delete button.danger');
    expect(at(p)).toBe(`/albums?deleted=${ids.album}`);
    expect(await textOf(p, '.notice')).toBe(`图库 ${ids.album} 已删除。`);
    await go(p, `/conversion-targets/${ids.target}/delete`);
    await press(p, '#confirm-delete button.danger');
    expect(await textOf(p, '.notice')).toBe(`转化目标 ${ids.target} 已删除。`);
    expect((await stack.api.call('GET', `/api/albums/${ids.album}`, writer.apiKey)).status).toBe(404);
    expect((await go(p, `/albums/${ids.album}`))?.status()).toBe(404);
    expect(await textOf(p, 'main')).toContain(`找不到图库 ${ids.album}`);
    const [row] = await stack.database.sql<{ deleted: boolean }[]>`SELECT deleted_at IS NOT NULL AS deleted FROM albums WHERE id = ${ids.album}`;
    expect(row!.deleted).toBe(true);
    expect((await stack.api.call('GET', `${TASKS}/${ids.task}`, writer.apiKey)).body).toMatchObject({ albumId: ids.album, conversionTargetId: ids.target });
    // Gone from the pickers, so the link to create one is back.
    await go(p, '/tasks/new');
    expect(await textOf(p, '#ingredient-album-none')).toBe('还没有图库：去创建一个');
  });
});
