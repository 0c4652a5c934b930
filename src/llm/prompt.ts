import type { PromptIngredients } from './types.js';

/**
 * Section markers of the user message. The offline generator and the test LLM stub
 * parse the prompt back with these, so keep them stable.
 */
export const PROMPT_MARKERS = {
  keyword: '=== KEYWORD ===',
  topics: '=== TOPICS ===',
  knowledgeBase: '=== KNOWLEDGE BASE ===',
  conversionTarget: '=== CONVERSION TARGET ===',
  image: '=== IMAGE ===',
  feedback: '=== FEEDBACK ===',
  task: '=== TASK ===',
} as const;

/** Starts each knowledge-base document inside the knowledge base section. */
export const KB_DOCUMENT_MARKER = '--- DOCUMENT: ';
export const KB_MAX_CHARS = 12_000;

export const DEFAULT_SYSTEM_PROMPT = [
  'You are an experienced content writer.',
  'Write one original, well-structured article in the same language as the keyword.',
  'Start with the title on the first line, formatted as "# Title".',
  'Then write the body in Markdown, using "##" headings for sections.',
  'Answer the readers\' questions concretely; use the reference material when it is relevant, never invent facts about companies.',
  'Output only the article, with no preamble or closing remarks.',
].join('\n');

/** Closes every user message, and follows an article setting's system prompt (src/llm/template.ts). */
export const FORMAT_REMINDER = 'Output format: the first line is the title as "# Title", followed by the body in Markdown.';

/** The knowledge section's text, without its marker: what `{{knowledge}}` renders inside its delimited section. */
export function renderKnowledgeBase(kb: PromptIngredients['knowledgeBase']): string | null {
  if (!kb) return null;
  const parts: string[] = [];
  let budget = KB_MAX_CHARS;
  for (const doc of kb.documents) {
    const content = doc.content.trim();
    if (!content || budget <= 0) continue;
    const take = content.length > budget ? `${content.slice(0, budget)}…` : content;
    budget -= take.length;
    parts.push(`${KB_DOCUMENT_MARKER}${doc.title.trim() || 'Untitled'}\n${take}`);
  }
  if (parts.length === 0) return null;
  return `Reference material from "${kb.name}" (use it as background, do not copy verbatim):\n${parts.join('\n')}`;
}

const MARKER_LIST: readonly string[] = Object.values(PROMPT_MARKERS);

/** Splits a user message built by renderArticlePrompt into marker -> section body. */
export function splitPromptSections(userMessage: string): Map<string, string> {
  const out = new Map<string, string>();
  let current: string | null = null;
  let buf: string[] = [];
  const flush = () => {
    if (current) out.set(current, buf.join('\n').trim());
  };
  for (const line of userMessage.split(/\r?\n/)) {
    if (MARKER_LIST.includes(line.trim())) {
      flush();
      current = line.trim();
      buf = [];
    } else if (current) {
      buf.push(line);
    }
  }
  flush();
  return out;
}

/** Inverse of renderArticlePrompt's user message; null when the message has no keyword marker. */
export function parsePromptIngredients(userMessage: string): PromptIngredients | null {
  const s = splitPromptSections(userMessage);
  const keyword = s.get(PROMPT_MARKERS.keyword)?.split('\n')[0]?.trim();
  if (!keyword) return null;

  const topics = (s.get(PROMPT_MARKERS.topics) ?? '')
    .split('\n')
    .map((l) => /^\s*\d+\.\s+(.*)$/.exec(l)?.[1]?.trim())
    .filter((t): t is string => !!t);

  const ing: PromptIngredients = { keyword, topics };

  const kbText = s.get(PROMPT_MARKERS.knowledgeBase);
  if (kbText) {
    const name = /"([^"]*)"/.exec(kbText.split('\n')[0] ?? '')?.[1] ?? '';
    const documents: { title: string; content: string }[] = [];
    for (const chunk of kbText.split(`\n${KB_DOCUMENT_MARKER}`).slice(1)) {
      const nl = chunk.indexOf('\n');
      const title = (nl < 0 ? chunk : chunk.slice(0, nl)).trim();
      documents.push({ title, content: nl < 0 ? '' : chunk.slice(nl + 1).trim() });
    }
    ing.knowledgeBase = { name, documents };
  }

  const ctText = s.get(PROMPT_MARKERS.conversionTarget);
  if (ctText) {
    const field = (k: string) => new RegExp(`^${k}: (.*)$`, 'm').exec(ctText)?.[1]?.trim() ?? null;
    const companyName = field('Company');
    if (companyName) {
      ing.conversionTarget = {
        companyName,
        industry: field('Industry'),
        website: field('Website'),
        address: field('Address'),
      };
    }
  }

  const imgText = s.get(PROMPT_MARKERS.image);
  if (imgText) {
    const url = /^URL: (.*)$/m.exec(imgText)?.[1]?.trim();
    if (url) ing.image = { url, description: /^Description: (.*)$/m.exec(imgText)?.[1]?.trim() ?? null };
  }
  const feedbackText = s.get(PROMPT_MARKERS.feedback);
  if (feedbackText) {
    ing.feedback = feedbackText
      .split('\n')
      .filter((l) => l.startsWith('- '))
      .map((l) => l.slice(2).trim());
  }
  return ing;
}
