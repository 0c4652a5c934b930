/**
 * schema.org JSON-LD built from an article itself, for answer engines: an `Article`, and a `FAQPage`
 * when the article answers its distillation's questions as headings (each matched heading a `Question`
 * whose `acceptedAnswer` is the text under it). Nothing is added that the article does not say.
 */

export interface JsonLdSource {
  title: string;
  content: string;
  keyword: string;
  topics: string[];
  imageUrl: string | null;
  createdAt: Date | string;
  updatedAt: Date | string;
}

type JsonLdNode = Record<string, unknown>;

/** Letters and digits only, lower case: "How much does it cost?" and "how much does it cost" are one question. */
const normalise = (s: string) => s.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');

/** Markdown to the plain text an answer engine quotes: no heading marks, emphasis, links' targets or images. */
function plainText(markdown: string): string {
  return markdown
    .replace(/!\[[^\]]*\]\([^)]*\)/g, '')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/^\s{0,3}(#{1,6}|>|[-*+]|\d+[.)])\s+/gm, '')
    .replace(/[*_`~]+/g, '')
    .replace(/\n{2,}/g, '\n')
    .trim();
}

/** The `##`/`###` sections of the body: heading and the text under it. */
function sections(content: string): { heading: string; body: string }[] {
  const out: { heading: string; body: string[] }[] = [];
  for (const line of content.split(/\r?\n/)) {
    const m = /^\s{0,3}#{2,3}\s+(.*?)\s*#*\s*$/.exec(line);
    if (m) out.push({ heading: m[1]!, body: [] });
    else out.at(-1)?.body.push(line);
  }
  return out.map((s) => ({ heading: s.heading, body: s.body.join('\n') }));
}

/**
 * The questions the article answers under a heading of their own, with their answers: a question counts
 * when a heading is the question (letters and digits compared) and the text under it is not empty.
 */
export function answeredQuestions(a: Pick<JsonLdSource, 'content' | 'topics'>): { question: string; answer: string }[] {
  const bySection = new Map(sections(a.content).map((s) => [normalise(s.heading), s] as const));
  const out: { question: string; answer: string }[] = [];
  for (const question of a.topics) {
    const s = bySection.get(normalise(question));
    const answer = s ? plainText(s.body) : '';
    if (normalise(question) && answer) out.push({ question: question.trim(), answer });
  }
  return out;
}

const iso = (d: Date | string) => (d instanceof Date ? d : new Date(d)).toISOString();
const language = (text: string) => (/\p{Script=Han}/u.test(text) ? 'zh-CN' : 'en');

/**
 * The article's JSON-LD: `{"@context": "https://schema.org", "@graph": [Article, FAQPage?]}`. FAQPage only
 * when at least half of the distillation's questions (and at least one) are answered as headings.
 */
export function articleJsonLd(a: JsonLdSource): JsonLdNode {
  const inLanguage = language(`${a.keyword}${a.title}`);
  const body = plainText(a.content);
  const article: JsonLdNode = {
    '@type': 'Article',
    headline: a.title.length > 110 ? `${a.title.slice(0, 109)}…` : a.title,
    name: a.title,
    ...(body ? { articleBody: body } : {}),
    wordCount: inLanguage === 'zh-CN' ? [...body.replace(/\s+/g, '')].length : body.split(/\s+/).filter(Boolean).length,
    keywords: a.keyword,
    about: { '@type': 'Thing', name: a.keyword },
    inLanguage,
    datePublished: iso(a.createdAt),
    dateModified: iso(a.updatedAt),
    ...(a.imageUrl ? { image: a.imageUrl } : {}),
  };
  const graph: JsonLdNode[] = [article];
  const answered = answeredQuestions(a);
  const asked = a.topics.filter((t) => normalise(t)).length;
  if (answered.length > 0 && answered.length * 2 >= asked) {
    graph.push({
      '@type': 'FAQPage',
      name: a.title,
      inLanguage,
      about: { '@type': 'Thing', name: a.keyword },
      mainEntity: answered.map(({ question, answer }) => ({
        '@type': 'Question',
        name: question,
        acceptedAnswer: { '@type': 'Answer', text: answer },
      })),
    });
  }
  return { '@context': 'https://schema.org', '@graph': graph };
}

/** The JSON-LD as an HTML script element; `<` is escaped so no text of the article can close the element. */
export const jsonLdScript = (a: JsonLdSource) =>
  `<script type="application/ld+json">${JSON.stringify(articleJsonLd(a)).replace(/</g, '\\u003c')}</script>`;
