// The bench's loopback model writes like a real one: every article its own paragraphs, so the
// near-duplicate check (on by default) lets them through as it would a real model's, and the bench
// measures the pipeline users run instead of rewrites with backoff.

const LETTERS = 'abcdefghijklmnopqrstuvwxyz';

/** A small deterministic generator (mulberry32): the same seed writes the same article. */
function generator(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** FNV-1a of a string: mixes the keyword into the seed. */
function hashString(s: string) {
  let h = 0x811c9dc5;
  for (const ch of s) h = Math.imul(h ^ ch.codePointAt(0)!, 0x01000193);
  return h >>> 0;
}

export interface VariedArticleInput {
  keyword: string;
  topics: readonly string[];
  /** The bench's seed; with the keyword it decides every word. */
  seed: number;
}

/**
 * A Markdown article about `keyword`, a section per topic, whose paragraphs are drawn at random from a
 * made-up vocabulary: deterministic by (seed, keyword), different for any other keyword or seed.
 *
 * @example stub.setBehavior((req) => ({ content: variedArticle({ keyword: keywordOf(req)!, topics, seed: 1 }) }))
 */
export function variedArticle({ keyword, topics, seed }: VariedArticleInput): string {
  const random = generator(hashString(keyword) ^ Math.imul(seed, 0x9e3779b1));
  // Words of random letters, not drawn from a shared list: the SimHash runs over character shingles, and texts spelled
  // from a few shared syllables share most of their shingles (two articles 3 bits apart turned up).
  const word = () => Array.from({ length: 2 + Math.floor(random() * 8) }, () => LETTERS[Math.floor(random() * 26)]).join('');
  const sentence = () => {
    const words = Array.from({ length: 8 + Math.floor(random() * 8) }, word);
    if (random() < 0.3) words.splice(Math.floor(random() * words.length), 0, keyword);
    const text = words.join(' ');
    return `${text[0]!.toUpperCase()}${text.slice(1)}.`;
  };
  const paragraph = () => Array.from({ length: 3 + Math.floor(random() * 3) }, sentence).join(' ');
  const parts = [`# ${keyword}: ${word()} ${word()}`, paragraph()];
  for (const topic of topics) parts.push(`## ${topic}`, paragraph(), paragraph());
  parts.push(paragraph());
  return parts.join('\n\n');
}
