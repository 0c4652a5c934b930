import { convert, type FormatCallback } from 'html-to-text';

/** A heading as a Markdown heading line, so the chunker splits the text where the page's sections start. */
const markdownHeading: FormatCallback = (elem, walk, builder, options) => {
  builder.openBlock({ leadingLineBreaks: options.leadingLineBreaks ?? 2 });
  builder.addInline('# ');
  walk(elem.children, builder);
  builder.closeBlock({ trailingLineBreaks: options.trailingLineBreaks ?? 2 });
};

const skip = (selector: string) => ({ selector, format: 'skip' });

/**
 * The readable text of an HTML page: script, style, templates and images dropped, links without their
 * URLs, headings as `# ` lines; the title is the page's <title> or first heading.
 */
export function htmlToText(html: string): { title: string | null; text: string } {
  const text = convert(html, {
    wordwrap: false,
    formatters: { markdownHeading },
    selectors: [
      ...['script', 'style', 'noscript', 'template', 'svg', 'img', 'head', 'iframe', 'object'].map(skip),
      { selector: 'a', options: { ignoreHref: true } },
      ...['h1', 'h2', 'h3', 'h4', 'h5', 'h6'].map((selector) => ({ selector, format: 'markdownHeading' })),
      { selector: 'table', format: 'dataTable' },
    ],
  });
  const title = /<title[^>]*>([^<]*)<\/title>/i.exec(html)?.[1]?.trim() || /^# (.+)$/m.exec(text)?.[1]?.trim() || null;
  return { title, text };
}
