import { PROMPT_MARKERS } from './prompt.js';
import type { ChatMessage } from './types.js';

/** Marks a distillation prompt (after the keyword section): the offline generator and the test stub answer it with questions. */
export const DISTILL_MARKER = '=== DISTILL ===';

export interface DistillRequest {
  keyword: string;
  count: number;
  /** A language asked for (zh, en, ...); absent: the keyword's own. */
  language?: string | null;
}

export const DISTILL_SYSTEM_PROMPT = [
  'You research what people ask search engines and AI assistants about a keyword.',
  'List distinct, natural questions a real person would type, in the language asked for (else the language of the keyword).',
  'Cover different intents: definition, price, choice, comparison, use, problems.',
  'Answer with a JSON array of strings and nothing else, e.g. ["What is X?", "How much does X cost?"].',
].join('\n');

/** The messages asking for `count` questions about `keyword`. */
export function buildDistillPrompt(req: DistillRequest): ChatMessage[] {
  const language = req.language?.trim();
  const lines = [`Questions: ${req.count}`, `Language: ${language || 'the language of the keyword'}`];
  return [
    { role: 'system', content: DISTILL_SYSTEM_PROMPT },
    { role: 'user', content: `${PROMPT_MARKERS.keyword}\n${req.keyword.trim()}\n\n${DISTILL_MARKER}\n${lines.join('\n')}` },
  ];
}

/** The request back from a prompt built by buildDistillPrompt; null for any other prompt. */
export function parseDistillPrompt(userMessage: string): DistillRequest | null {
  const lines = userMessage.split(/\r?\n/).map((l) => l.trim());
  const k = lines.indexOf(PROMPT_MARKERS.keyword);
  const d = lines.indexOf(DISTILL_MARKER);
  if (k < 0 || d < 0 || !lines[k + 1]) return null;
  const field = (name: string) => lines.slice(d + 1).find((l) => l.startsWith(`${name}:`))?.slice(name.length + 1).trim();
  const count = Number(field('Questions'));
  const language = field('Language');
  return {
    keyword: lines[k + 1]!,
    count: Number.isInteger(count) && count > 0 ? count : 5,
    language: language && !language.startsWith('the language') ? language : null,
  };
}
