import type { Browser } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, newPage } from '../support/browser.js';

let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

describe('the test browser', () => {
  it('renders Chinese with a CJK font, so zh screenshots show glyphs, not boxes', async () => {
    const page = await newPage(browser, 'zh-CN');
    // The console's own font stack (console.css): whatever the system offers for sans-serif Chinese.
    await page.setContent('<p id="zh" lang="zh-CN" style="font-family: system-ui, sans-serif">蒸馏结果任务列表</p>');
    const cdp = await page.createCDPSession();
    const { root } = await cdp.send('DOM.getDocument');
    const { nodeId } = await cdp.send('DOM.querySelector', { nodeId: root.nodeId, selector: '#zh' });
    await cdp.send('CSS.enable');
    const { fonts } = await cdp.send('CSS.getPlatformFontsForNode', { nodeId });
    expect(fonts.map((f) => f.familyName)).toEqual([expect.stringMatching(/Noto Sans/)]);
    expect(fonts[0]!.glyphCount).toBe(8);
  });
});
