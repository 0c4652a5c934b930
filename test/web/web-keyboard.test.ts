import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, newPage, screenshot, textOf, waitForText } from '../support/browser.js';
import { newAccount } from '../support/db.js';
import { useTestStack } from '../support/stack.js';

/**
 * The console by keyboard alone, in a real Chromium: a skip link to #main first on every page, a
 * visible focus outline on every tab stop, and the main forms (sign-in, import, new task, review)
 * filled and sent with Tab, typing, Space and Enter; no clicks.
 */

const stack = useTestStack();
let browser: Browser;
let page: Page;
let account: Awaited<ReturnType<typeof newAccount>>;
let taskId = 0;

const go = (p: string) => page.goto(`${stack.api.url}${p}`, { waitUntil: 'load' });
const at = () => new URL(page.url()).pathname;
const focused = (selector: string) => page.evaluate(`document.activeElement?.matches(${JSON.stringify(selector)}) ?? false`) as Promise<boolean>;

/** Presses Tab until the element matching `selector` has the focus; fails when it is not reached. */
async function tabTo(selector: string, max = 80) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    if (await focused(selector)) return;
  }
  throw new Error(`${selector} not reached in ${max} presses of Tab on ${page.url()}`);
}

/** Presses a key that sends a form and waits for the page it leads to. */
async function send(key: 'Enter' | 'Space' = 'Enter') {
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.keyboard.press(key)]);
}

interface TabStop {
  what: string;
  /** The focused element draws an outline at least 2 px wide (the console's focus style). */
  outlined: boolean;
  /** The element has a box on the screen while focused. */
  onScreen: boolean;
}

// Measured once layout has settled (two frames): console.js may still move the form as it answers (the
// schedule preview), and the browser scrolls a newly focused element into view within a frame.
const DESCRIBE_FOCUS = `(async () => {
  await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
  const e = document.activeElement;
  if (!e || e === document.body) return null;
  const style = getComputedStyle(e);
  const box = e.getBoundingClientRect();
  const name = (e.getAttribute('aria-label') || e.textContent || e.getAttribute('name') || '').trim().slice(0, 30);
  return {
    what: e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + ' "' + name + '"',
    outlined: (e.matches(':focus-visible') || e.matches(':focus-within')) && style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2,
    onScreen: box.width > 0 && box.height > 0 && box.bottom > 0 && box.top < innerHeight && box.right > 0 && box.left < innerWidth,
  };
})()`;

/** Every tab stop of the page, from the top until the focus leaves the page. */
async function tabStops(max = 150): Promise<TabStop[]> {
  const stops: TabStop[] = [];
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const stop = (await page.evaluate(DESCRIBE_FOCUS)) as TabStop | null;
    if (!stop || stop.what === stops[0]?.what) break;
    stops.push(stop);
  }
  return stops;
}

beforeAll(async () => {
  account = await newAccount(stack.database);
  browser = await launchBrowser();
  page = await newPage(browser);
});
afterAll(async () => {
  await browser?.close();
});

describe('the console by keyboard alone', () => {
  it('signs in: the key typed into its field and sent with Enter (the skip link first here too)', async () => {
    await go('/sign-in');
    await page.keyboard.press('Tab');
    const first = (await page.evaluate(DESCRIBE_FOCUS)) as TabStop;
    await tabTo('#api-key');
    await page.keyboard.type(account.apiKey);
    await send();
    expect(at()).toBe('/distillations');
    expect(first).toEqual({ what: 'a "Skip to main content"', outlined: true, onScreen: true });
  });

  it('skips to #main: the first tab stop, shown when focused; Enter, and the next Tab lands inside main', async () => {
    await go('/distillations');
    await page.keyboard.press('Tab');
    expect(await focused('a.skip-link[href="#main"]')).toBe(true);
    expect(await textOf(page, ':focus')).toBe('Skip to main content');
    expect((await page.evaluate(DESCRIBE_FOCUS)) as TabStop).toMatchObject({ outlined: true, onScreen: true });
    await screenshot(page, 'keyboard-skip-link');
    await page.keyboard.press('Enter');
    expect(await page.evaluate('location.hash')).toBe('#main');
    await page.keyboard.press('Tab');
    expect(await page.evaluate("document.getElementById('main').contains(document.activeElement)")).toBe(true);
  });

  it('imports distillations typed into the import box and sent with Enter', async () => {
    await go('/distillations');
    await tabTo('#import-text');
    await page.keyboard.type('keyword,topics\nKeyboard one,Why?\nKeyboard two,How?\nKeyboard three,What?');
    await tabTo('form[action="/distillations/import"] button');
    await send();
    expect(await textOf(page, '.notice')).toContain('Imported 3 distillations');
  });

  it('creates a task: count typed, auto-approve unticked with Space, sent with Enter', async () => {
    await go('/tasks/new');
    await tabTo('#article-count');
    await page.keyboard.down('Control');
    await page.keyboard.press('KeyA');
    await page.keyboard.up('Control');
    await page.keyboard.type('3');
    await tabTo('input[name="autoApprove"]');
    await page.keyboard.press('Space');
    expect(await page.$eval('input[name="autoApprove"]', (e: any) => e.checked)).toBe(false);
    await tabTo('#new-task button');
    await send();
    taskId = Number(/^\/tasks\/(\d+)$/.exec(at())?.[1]);
    expect(taskId).toBeGreaterThan(0);
    await waitForText(page, '#task-status', 'completed');
  });

  it('reviews by keyboard: approve on the reader, reject with a typed reason, bulk approve a ticked row', async () => {
    const articles = (await stack.api.call('GET', `/api/articles?taskId=${taskId}`, account.apiKey)).body.articles as { id: number; reviewStatus: string }[];
    expect(articles.map((a) => a.reviewStatus)).toEqual(['pending_review', 'pending_review', 'pending_review']);
    const [first, second, third] = articles.map((a) => a.id);

    await go(`/articles/${first}`);
    await tabTo(`form[action="/articles/${first}/approve"] button`);
    await send();
    expect(await page.$eval('#review-status', (e) => e.getAttribute('data-review-status'))).toBe('approved');

    await go(`/articles/${second}`);
    await tabTo('#reject-reason');
    await page.keyboard.type('Too thin');
    await send();
    expect(await page.$eval('#review-status', (e) => e.getAttribute('data-review-status'))).toBe('rejected');

    await go('/articles/queue');
    await tabTo(`input[name="ids[]"][value="${third}"]`);
    await page.keyboard.press('Space');
    await tabTo('#bulk-review button[value="approve"]');
    await send();
    const after = (await stack.api.call('GET', `/api/articles/${third}`, account.apiKey)).body.reviewStatus;
    expect(after).toBe('approved');
  });

  it('creates an album and adds an image by keyboard, from the Albums link of the navigation', async () => {
    await go('/distillations');
    await tabTo('.main-nav a[href="/albums"]');
    await send();
    await tabTo('#album-name');
    await page.keyboard.type('Keyboard album');
    await send();
    expect(await textOf(page, '.notice')).toBe('Album created: add its images below.');
    await tabTo('#image-url');
    await page.keyboard.type('https://img.example.com/keyboard.jpg');
    await tabTo('#add-image-button');
    await send();
    expect(await textOf(page, '#album-images .image-url')).toContain('https://img.example.com/keyboard.jpg');
  });

  it('shows a focus outline on every tab stop of the main pages', async () => {
    const missing: string[] = [];
    for (const path of ['/distillations', '/tasks/new', `/tasks/${taskId}`, '/articles/queue', '/articles', '/keys', '/schedules/new', '/albums', '/quality-settings']) {
      await go(path);
      const stops = await tabStops();
      expect(stops.length, path).toBeGreaterThan(5);
      expect(stops[0]!.what, `${path}: the first tab stop`).toBe('a "Skip to main content"');
      for (const s of stops) if (!s.outlined || !s.onScreen) missing.push(`${path}: ${s.what} (outline ${s.outlined}, on screen ${s.onScreen})`);
    }
    expect(missing, `tab stops without a visible focus:\n${missing.join('\n')}`).toEqual([]);
  });
});
