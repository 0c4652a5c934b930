import { jsonLdScript, type JsonLdSource } from '../../../shared/article-json-ld.js';
/**
 * A small Markdown-to-HTML renderer for exports, safe by construction: every character of the source is
 * HTML-escaped first and only then are the few constructs LLM articles use turned into tags (headings,
 * paragraphs, lists, block quotes, rules, fenced code, bold, italic, code spans, http(s) links and
 * images). Raw HTML in the content therefore comes out as text, and a link or image with any other
 * scheme (javascript:, data:) stays text.
 */

export const escapeHtml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

const SAFE_URL = /^https?:\/\/[^\s]+$/i;

/** Inline constructs over already-escaped text; code spans are set aside first so nothing inside them is formatted. */
function inline(escaped: string): string {
  const codes: string[] = [];
  let s = escaped.replace(/`([^`]+)`/g, (_, code: string) => `\u0000${codes.push(`<code>${code}</code>`) - 1}\u0000`);
  s = s.replace(/!\[([^\]]*)\]\(([^)\s]+)\)/g, (m, alt: string, url: string) => (SAFE_URL.test(url) ? `<img src="${url}" alt="${alt}">` : m));
  s = s.replace(/\[([^\]]+)\]\(([^)\s]+)\)/g, (m, text: string, url: string) =>
    SAFE_URL.test(url) ? `<a href="${url}" rel="nofollow noopener">${text}</a>` : m,
  );
  s = s.replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>').replace(/__([^_]+)__/g, '<strong>$1</strong>');
  s = s.replace(/(^|[^*])\*([^*\s][^*]*)\*/g, '$1<em>$2</em>');
  return s.replace(/\u0000(\d+)\u0000/g, (_, i: string) => codes[Number(i)]!);
}

type Block = { kind: 'p' | 'ul' | 'ol' | 'quote'; lines: string[] };

export function markdownToHtml(markdown: string): string {
  const out: string[] = [];
  let block: Block | null = null;
  const flush = () => {
    if (!block) return;
    if (block.kind === 'p') out.push(`<p>${block.lines.map(inline).join('<br>\n')}</p>`);
    else if (block.kind === 'quote') out.push(`<blockquote><p>${block.lines.map(inline).join('<br>\n')}</p></blockquote>`);
    else out.push(`<${block.kind}>\n${block.lines.map((l) => `<li>${inline(l)}</li>`).join('\n')}\n</${block.kind}>`);
    block = null;
  };
  const add = (kind: Block['kind'], line: string) => {
    if (block?.kind !== kind) {
      flush();
      block = { kind, lines: [] };
    }
    block!.lines.push(line);
  };
  const lines = escapeHtml(markdown.replace(/\r\n?/g, '\n')).split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    let m: RegExpExecArray | null;
    if (/^\s*```/.test(line)) {
      flush();
      const code: string[] = [];
      while (++i < lines.length && !/^\s*```/.test(lines[i]!)) code.push(lines[i]!);
      out.push(`<pre><code>${code.join('\n')}</code></pre>`);
    } else if ((m = /^(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line))) {
      flush();
      out.push(`<h${m[1]!.length}>${inline(m[2]!)}</h${m[1]!.length}>`);
    } else if (/^\s*([-*_])(\s*\1){2,}\s*$/.test(line)) {
      flush();
      out.push('<hr>');
    } else if ((m = /^\s*[-*+]\s+(.*)$/.exec(line))) add('ul', m[1]!);
    else if ((m = /^\s*\d+[.)]\s+(.*)$/.exec(line))) add('ol', m[1]!);
    else if ((m = /^\s*&gt;\s?(.*)$/.exec(line))) add('quote', m[1]!);
    else if (line.trim() === '') flush();
    else add('p', line.trim());
  }
  flush();
  return out.join('\n');
}

/** One article as an HTML fragment: its title as a heading, its rendered content and its schema.org JSON-LD. */
export function articleHtml(a: JsonLdSource & { id: number }) {
  return `<article id="article-${a.id}">\n${jsonLdScript(a)}\n<h1>${escapeHtml(a.title)}</h1>\n${markdownToHtml(a.content)}\n</article>\n`;
}

/** The start and end of an HTML page: a many-article export streams its articles between them. */
export const htmlPageStart = (title: string) =>
  `<!doctype html>\n<html>\n<head>\n<meta charset="utf-8">\n<title>${escapeHtml(title)}</title>\n</head>\n<body>\n`;
export const HTML_PAGE_END = '</body>\n</html>\n';
