import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import puppeteer, { type Browser, type BrowserContext, type Page } from 'puppeteer-core';

/** A Chromium on PATH when there is one (a distribution's build), else the one inside @sparticuz/chromium. */
async function chromiumPath(): Promise<{ path: string; args: string[] }> {
  for (const name of ['chromium', 'chromium-browser', 'google-chrome']) {
    try {
      const found = execFileSync('which', [name], { encoding: 'utf8' }).trim();
      if (found) return { path: found, args: ['--no-sandbox', '--disable-gpu'] };
    } catch {
      // not on PATH: try the next name
    }
  }
  const chromium = (await import('@sparticuz/chromium')).default;
  // Not the package's own args: those are for AWS Lambda (--single-process allows one browser context,
  // --disable-web-security would hide exactly what the console's tests check).
  return { path: await chromium.executablePath(), args: ['--no-sandbox', '--no-zygote', '--disable-gpu', '--use-gl=angle', '--use-angle=swiftshader', '--font-render-hinting=none'] };
}

/** A real headless Chromium; a test that needs it and cannot start it fails. */
export async function launchBrowser(): Promise<Browser> {
  const { path, args } = await chromiumPath();
  return puppeteer.launch({ executablePath: path, args, headless: 'shell', defaultViewport: { width: 1200, height: 900 } });
}

/** A page (in its own browser context when given one: its own cookies) that asks the server for `lang`. */
export async function newPage(browser: Browser | BrowserContext, lang = 'en'): Promise<Page> {
  const page = await browser.newPage();
  await page.setExtraHTTPHeaders({ 'Accept-Language': lang });
  return page;
}

/** The visible text of the first element matching `selector`, or null. */
export const textOf = (page: Page, selector: string) => page.$eval(selector, (e: any) => e.innerText as string).catch(() => null);

/** Submits a form by clicking its button and waits for the page it leads to. */
export async function submit(page: Page, buttonSelector: string) {
  await Promise.all([page.waitForNavigation({ waitUntil: 'domcontentloaded' }), page.click(buttonSelector)]);
}

/** Follows a link by clicking it and waits for the page it leads to. */
export async function follow(page: Page, selector: string) {
  await Promise.all([page.waitForNavigation({ waitUntil: 'domcontentloaded' }), page.click(selector)]);
}

/** Presses Tab from the top of the page until the element matching `selector` has the focus, as a keyboard user would. */
export async function tabTo(page: Page, selector: string, max = 40) {
  await page.evaluate('document.activeElement?.blur()');
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate(`document.activeElement?.matches(${JSON.stringify(selector)}) ?? false`)) return;
  }
  throw new Error(`Tab never reached ${selector}`);
}

export const clearInput = (page: Page, selector: string) => page.$eval(selector, (e: any) => void (e.value = ''));

/** Waits (without reloading) until the element's text is `text`: a live update arrived. */
export async function waitForText(page: Page, selector: string, text: string) {
  await page.waitForFunction(`document.querySelector(${JSON.stringify(selector)})?.textContent === ${JSON.stringify(text)}`, { timeout: 60_000 });
}

/**
 * `npm run screenshots` sets SCREENSHOTS_DIR: the browser tests save each page there as they visit it
 * (docs/screenshots/<name>.png); in a plain test run this does nothing.
 */
export async function screenshot(page: Page, name: string) {
  const dir = process.env.SCREENSHOTS_DIR;
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: path.join(dir, `${name}.png`), fullPage: true });
}
