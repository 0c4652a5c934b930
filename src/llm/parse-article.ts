export const MAX_TITLE_CHARS = 120;

const QUOTE_PAIRS: ReadonlyArray<readonly [string, string]> = [
  ['"', '"'],
  ["'", "'"],
  ['“', '”'],
  ['‘', '’'],
  ['「', '」'],
  ['『', '』'],
  ['《', '》'],
];

function cleanTitle(line: string): string {
  let t = line.trim().replace(/^#+\s*/, '');
  for (let guard = 0; guard < 5; guard++) {
    const before = t;
    // "Title:", "**Title:**", "标题：" ...
    t = t.replace(/^\*{0,2}\s*(?:title|标题)\s*[:：]\s*\*{0,2}\s*/i, '');
    if (t.length >= 4 && t.startsWith('**') && t.endsWith('**')) t = t.slice(2, -2).trim();
    for (const [open, close] of QUOTE_PAIRS) {
      if (t.length >= 2 && t.startsWith(open) && t.endsWith(close)) t = t.slice(open.length, -close.length).trim();
    }
    if (t === before) break;
  }
  return t.trim();
}

function truncate(s: string, max: number): string {
  const chars = Array.from(s);
  return chars.length > max ? chars.slice(0, max).join('').trimEnd() : s;
}

/** Splits an LLM reply into title (first non-empty line) and body. */
export function parseArticle(text: string): { title: string; content: string } {
  const normalized = text.replace(/\r\n?/g, '\n').trim();
  const lines = normalized.split('\n');
  const firstIdx = lines.findIndex((l) => l.trim() !== '');
  if (firstIdx < 0) return { title: 'Untitled', content: '' };

  const title = truncate(cleanTitle(lines[firstIdx] ?? ''), MAX_TITLE_CHARS) || 'Untitled';
  const rest = lines.slice(firstIdx + 1).join('\n').trim();
  if (rest === '') return { title, content: normalized };
  return { title, content: rest };
}

/** Whether a reply has a title line with a body after it (parseArticle falls back to 'Untitled' or the whole text). */
export function hasTitleLine(text: string): boolean {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  return lines.length > 1 && cleanTitle(lines[0]!) !== '';
}
