import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/domain/accounts/index.js';
import { describeViolations, wcagViolations } from '../support/axe.js';
import { launchBrowser, newPage, submit, textOf } from '../support/browser.js';
import { newAccount } from '../support/db.js';
import { useApiWithoutWorker } from '../support/stack.js';

/** Issue 17: the console's knowledge pages in a browser, in English and Chinese, axe clean; a read key sees but cannot change. */
const stack = useApiWithoutWorker();
let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/knowledge/${name}`, import.meta.url));
const go = (p: Page, path: string) => p.goto(`${stack.api.url}${path}`, { waitUntil: 'load' });

async function signedIn(key: string, lang: string) {
  const context = await browser.createBrowserContext();
  const p = await newPage(context, lang);
  await p.setBypassCSP(true);
  await go(p, '/sign-in');
  await p.type('#api-key', key);
  await submit(p, 'form[action="/sign-in"] button');
  return p;
}

async function expectAxeClean(p: Page, where: string) {
  const violations = await wcagViolations(p);
  expect(violations, describeViolations(where, violations)).toEqual([]);
  expect(await p.evaluate('document.documentElement.scrollWidth <= window.innerWidth + 1')).toBe(true);
}

describe('console knowledge pages', () => {
  it.each([['en', 'Knowledge bases', 'Upload'], ['zh-CN', '知识库', '上传']])('%s: create a base, upload, read chunks, search, delete a document', async (lang, title, upload) => {
    const { apiKey, accountId } = await newAccount(stack.database);
    const p = await signedIn(apiKey, lang);
    await go(p, '/knowledge-bases');
    expect(await textOf(p, 'h1')).toBe(title);
    await expectAxeClean(p, `${lang} /knowledge-bases`);
    await p.type('#kb-name', `Cafe ${lang}`);
    await submit(p, '#new-knowledge-base button');
    expect(new URL(p.url()).pathname).toMatch(/^\/knowledge-bases\/\d+$/);
    expect(await textOf(p, '#upload-document button')).toBe(upload);

    // A refused file comes back as a message on the same page, and keeps nothing.
    const input = await p.$('#kb-file');
    await input!.uploadFile(fixture('scanned.pdf'));
    await submit(p, '#upload-document button');
    expect(await textOf(p, '#upload-error')).toContain('OCR');
    await expectAxeClean(p, `${lang} refused upload`);

    await (await p.$('#kb-file'))!.uploadFile(fixture('manual.docx'));
    await submit(p, '#upload-document button');
    expect(await textOf(p, '.notice')).toContain('咖啡机使用手册');
    expect(await p.$$eval('#knowledge-documents tbody tr', (rows) => rows.length)).toBe(1);
    expect(await textOf(p, '#knowledge-documents tbody')).toContain('DOCX');
    await expectAxeClean(p, `${lang} knowledge base`);

    await p.type('#kb-q', '多久除垢一次');
    await submit(p, '#knowledge-search button');
    expect(await textOf(p, '#knowledge-hits li')).toContain('柠檬酸溶液除垢');
    await expectAxeClean(p, `${lang} search results`);

    await Promise.all([p.waitForNavigation({ waitUntil: 'load' }), p.click('#knowledge-documents tbody a:not(.danger-link)')]);
    expect(await p.$$eval('#knowledge-chunks li', (items) => items.length)).toBe(3);
    await expectAxeClean(p, `${lang} document chunks`);

    const baseUrl = p.url().replace(/\/documents\/\d+$/, '');
    await go(p, new URL(baseUrl).pathname);
    await Promise.all([p.waitForNavigation({ waitUntil: 'load' }), p.click('#knowledge-documents .danger-link')]);
    await expectAxeClean(p, `${lang} delete document`);
    await submit(p, '#delete-document button');
    expect(await textOf(p, '#knowledge-documents tbody')).not.toContain('DOCX');

    // A read key of the same account sees the base and searches it, but gets no upload form, and a crafted POST is refused.
    const reader = await createApiKey(stack.database.db, accountId, { name: 'reader', scope: 'read' });
    const r = await signedIn(reader.apiKey, lang);
    await go(r, new URL(baseUrl).pathname);
    expect(await r.$('#upload-document')).toBeNull();
    expect(await r.$('#knowledge-search')).not.toBeNull();
    await expectAxeClean(r, `${lang} read key`);
    const status = await r.evaluate(`(async () => {
      const form = new FormData();
      form.append('file', new Blob(['text']), 'a.txt');
      form.append('_csrf', document.querySelector('input[name=_csrf]')?.value ?? '');
      return (await fetch(${JSON.stringify(`${new URL(baseUrl).pathname}/documents`)}, { method: 'POST', body: form })).status;
    })()`);
    expect(status).toBe(403);
  });
});
