/** The most characters a question may have; longer lines are prose, not questions. */
export const MAX_QUESTION_CHARS = 200;

const LIST_PREFIX = /^\s*(?:[-*•·+]|\(?\d{1,3}[.)、:：]|\(?[a-zA-Z][.)]|[一二三四五六七八九十]+[、.．])\s*/;

/** Trims list marks, quotes, bold marks and trailing commas from one candidate question. */
function clean(line: string): string {
  let q = line.trim().replace(LIST_PREFIX, '').trim();
  q = q.replace(/^\*\*(.*)\*\*$/, '$1').replace(/,$/, '').trim();
  q = q.replace(/^["'“”‘’「」]+|["'“”‘’「」]+$/g, '').trim();
  return q.replace(/\s+/g, ' ');
}

function fromJson(text: string): string[] | null {
  const start = text.indexOf('[');
  const end = text.lastIndexOf(']');
  if (start < 0 || end <= start) return null;
  try {
    const parsed: unknown = JSON.parse(text.slice(start, end + 1));
    if (!Array.isArray(parsed)) return null;
    const items = parsed.map((v) => (typeof v === 'string' ? v : v && typeof v === 'object' && typeof (v as { question?: unknown }).question === 'string' ? (v as { question: string }).question : null));
    return items.filter((v): v is string => v !== null);
  } catch {
    return null;
  }
}

/** A line that reads as a question (or a short query), not a heading, a preamble or code fence. */
function usable(q: string): boolean {
  if (q.length < 2 || q.length > MAX_QUESTION_CHARS) return false;
  if (/^```|^#/.test(q)) return false;
  // A preamble such as "Here are 8 questions:" ends with a colon.
  if (/[:：]$/.test(q)) return false;
  return /[\p{L}\p{N}]/u.test(q);
}

/**
 * The questions of a model's answer: a JSON array (of strings, or of objects with `question`), possibly
 * inside a code fence or prose, else one per line of a numbered or bulleted list (plain lines too).
 * Cleaned of list marks and quotes; empty, overlong and preamble lines dropped. Order kept, no dedup.
 *
 * @example parseQuestions('1. What is X?\n2. How much does X cost?') // ['What is X?', 'How much does X cost?']
 */
export function parseQuestions(answer: string): string[] {
  const json = fromJson(answer);
  const candidates = json && json.length > 0 ? json : answer.split(/\r?\n/);
  return candidates.map(clean).filter(usable);
}
