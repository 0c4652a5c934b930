import { createRequire } from 'node:module';
import type { AxeResults } from 'axe-core';
import type { Page } from 'puppeteer-core';

/** axe-core's browser build, injected from node_modules (no CDN). */
const AXE_SCRIPT = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/** Every WCAG 2.0/2.1/2.2 level A and AA rule axe has, color-contrast among them. */
export const WCAG_A_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

export interface Violation {
  rule: string;
  impact: string | null;
  help: string;
  /** One line per offending element: its selector and axe's summary of what to fix. */
  nodes: string[];
}

/**
 * The page's WCAG A/AA violations as axe-core sees them. The console's CSP forbids inline script, and
 * the injected axe is inline: the page must have been opened after `page.setBypassCSP(true)`.
 */
export async function wcagViolations(page: Page): Promise<Violation[]> {
  if ((await page.evaluate('typeof window.axe')) === 'undefined') await page.addScriptTag({ path: AXE_SCRIPT });
  const options = { runOnly: { type: 'tag', values: WCAG_A_AA }, resultTypes: ['violations'] };
  const results = (await page.evaluate(`window.axe.run(document, ${JSON.stringify(options)})`)) as AxeResults;
  return results.violations.map((v) => ({
    rule: v.id,
    impact: v.impact ?? null,
    help: v.help,
    nodes: v.nodes.map((n) => `${n.target.join(' ')}: ${(n.failureSummary ?? '').replace(/\s+/g, ' ').trim()}`),
  }));
}

/** Violations as readable lines for a failing assertion's message. */
export function describeViolations(where: string, violations: Violation[]): string {
  const lines = [`${where}: ${violations.length} axe rule(s) violated`];
  for (const v of violations) {
    lines.push(`  [${v.rule}] (${v.impact ?? 'n/a'}) ${v.help}: ${v.nodes.length} element(s)`);
    for (const n of v.nodes) lines.push(`      ${n}`);
  }
  return lines.join('\n');
}
