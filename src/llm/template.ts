import { DEFAULT_SYSTEM_PROMPT, FORMAT_REMINDER, PROMPT_MARKERS, renderKnowledgeBase } from './prompt.js';
import type { ChatMessage, PromptIngredients } from './types.js';

/** The placeholders a template may use; anything else between `{{` and `}}` is refused when saved. */
export const PLACEHOLDERS = ['keyword', 'topics', 'topic_list', 'knowledge', 'company', 'industry', 'website', 'image', 'language', 'word_count'] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];

/** The length `{{word_count}}` asks for (words, or characters in Chinese). */
export const DEFAULT_WORD_COUNT = 1200;

/** A template's two texts. The system part may be empty: the built-in system prompt is used then. */
export interface TemplateText {
  system: string;
  user: string;
}

/**
 * The built-in default: exactly the prompt articles were written with before templates (and what a task
 * naming no template and no article setting still gets).
 */
export const DEFAULT_TEMPLATE: TemplateText = {
  system: DEFAULT_SYSTEM_PROMPT,
  user: '{{topics}}\n\n{{knowledge}}\n\n{{company}}\n\n{{image}}',
};

export interface TemplateProblem {
  part: 'system' | 'user';
  /** 1-based line and column of the offending `{{` or `}}`. */
  line: number;
  column: number;
  problem: 'unknown_placeholder' | 'unclosed_braces' | 'unopened_braces';
  /** The name between the braces, for an unknown placeholder. */
  placeholder?: string;
  message: string;
}

type Token = { kind: 'text'; text: string } | { kind: 'placeholder'; name: string; at: number } | { kind: 'error'; problem: TemplateProblem['problem']; at: number; name?: string };

function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  let textStart = 0;
  const flushText = (end: number) => {
    if (end > textStart) out.push({ kind: 'text', text: text.slice(textStart, end) });
  };
  while (i < text.length) {
    if (text.startsWith('{{', i)) {
      const close = text.indexOf('}}', i + 2);
      const nextOpen = text.indexOf('{{', i + 2);
      flushText(i);
      if (close < 0 || (nextOpen >= 0 && nextOpen < close)) {
        out.push({ kind: 'error', problem: 'unclosed_braces', at: i });
        i += 2;
      } else {
        out.push({ kind: 'placeholder', name: text.slice(i + 2, close).trim(), at: i });
        i = close + 2;
      }
      textStart = i;
    } else if (text.startsWith('}}', i)) {
      flushText(i);
      out.push({ kind: 'error', problem: 'unopened_braces', at: i });
      i += 2;
      textStart = i;
    } else {
      i += 1;
    }
  }
  flushText(text.length);
  return out;
}

function position(text: string, at: number) {
  const before = text.slice(0, at).split('\n');
  return { line: before.length, column: before[before.length - 1]!.length + 1 };
}

const isPlaceholder = (name: string): name is Placeholder => (PLACEHOLDERS as readonly string[]).includes(name);

/** Every problem of one part, in order: unknown placeholders and `{{` / `}}` without their partner, with line and column. */
export function checkTemplatePart(part: TemplateProblem['part'], text: string): TemplateProblem[] {
  const problems: TemplateProblem[] = [];
  for (const t of tokenize(text)) {
    if (t.kind === 'text' || (t.kind === 'placeholder' && isPlaceholder(t.name))) continue;
    const { line, column } = position(text, t.at);
    const where = `${part} part, line ${line}, column ${column}`;
    if (t.kind === 'placeholder') {
      problems.push({ part, line, column, problem: 'unknown_placeholder', placeholder: t.name, message: `unknown placeholder {{${t.name}}} at ${where}; known: ${PLACEHOLDERS.join(', ')}` });
    } else if (t.problem === 'unclosed_braces') {
      problems.push({ part, line, column, problem: t.problem, message: `"{{" at ${where} is never closed with "}}"` });
    } else {
      problems.push({ part, line, column, problem: t.problem, message: `"}}" at ${where} closes nothing (no "{{" before it)` });
    }
  }
  return problems;
}

/** Both parts' problems; empty: the template can be saved. */
export const checkTemplate = (t: TemplateText): TemplateProblem[] => [...checkTemplatePart('system', t.system), ...checkTemplatePart('user', t.user)];

/** What each placeholder stands for, from the article's ingredients. Sections come with their markers, or empty. */
export function placeholderValues(ing: PromptIngredients, wordCount = DEFAULT_WORD_COUNT): Record<Placeholder, string> {
  const topics = ing.topics.map((t) => t.trim()).filter(Boolean);
  const topicList = topics.map((t, i) => `${i + 1}. ${t}`).join('\n');
  const kb = renderKnowledgeBase(ing.knowledgeBase);
  const ct = ing.conversionTarget?.companyName.trim() ? ing.conversionTarget : null;
  const img = ing.image?.url.trim() ? ing.image : null;
  return {
    keyword: ing.keyword.trim(),
    topics: topics.length > 0 ? `${PROMPT_MARKERS.topics}\nQuestions readers ask about this keyword (cover each one):\n${topicList}` : '',
    topic_list: topicList,
    knowledge: kb ? `${PROMPT_MARKERS.knowledgeBase}\n${kb}` : '',
    company: ct ? `${PROMPT_MARKERS.conversionTarget}\n${companyLines(ct).join('\n')}` : '',
    industry: ct?.industry?.trim() ?? '',
    website: ct?.website?.trim() ?? '',
    image: img ? imageSection(img.url.trim(), img.description?.trim() || ing.keyword.trim()) : '',
    language: /\p{Script=Han}/u.test(ing.keyword) ? 'Chinese (简体中文)' : 'English',
    word_count: String(wordCount),
  };
}

function companyLines(ct: NonNullable<PromptIngredients['conversionTarget']>) {
  const lines = [`Company: ${ct.companyName.trim()}`];
  if (ct.industry?.trim()) lines.push(`Industry: ${ct.industry.trim()}`);
  if (ct.website?.trim()) lines.push(`Website: ${ct.website.trim()}`);
  if (ct.address?.trim()) lines.push(`Address: ${ct.address.trim()}`);
  lines.push('Promote this business naturally near the end of the article (no hard sell).');
  return lines;
}

const imageSection = (url: string, desc: string) =>
  `${PROMPT_MARKERS.image}\nURL: ${url}\nDescription: ${desc}\nInsert the image right after the first paragraph exactly as: ![${desc}](${url})`;

/**
 * Fills one part's placeholders (one pass: a value's own braces are never read as placeholders) and drops
 * the blank lines an empty section leaves behind; the values themselves are kept byte for byte. An unknown
 * placeholder stays as written (saved templates have none).
 */
export function renderTemplatePart(text: string, values: Record<Placeholder, string>): string {
  const filled: string[] = [];
  const skeleton = tokenize(text)
    .map((t) => {
      if (t.kind === 'text') return t.text;
      if (t.kind === 'error') return t.problem === 'unclosed_braces' ? '{{' : '}}';
      const value = isPlaceholder(t.name) ? values[t.name] : `{{${t.name}}}`;
      if (!value) return '';
      filled.push(value);
      return `\u0000${filled.length - 1}\u0000`;
    })
    .join('');
  return skeleton
    .replace(/\n[ \t]+(?=\n)/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim()
    .replace(/\u0000(\d+)\u0000/g, (_, i: string) => filled[Number(i)]!);
}

const FEEDBACK_INTRO = 'Your previous draft of this article was rejected by the quality check. Write a new draft that fixes every point:';

/**
 * The messages the model gets for one article: the system part (or the built-in one when empty), and a
 * user message that always opens with the keyword section and closes with the quality feedback (on a
 * rewrite) and the task line with the output format, around the template's user part. Knowledge and
 * company text enter only through their delimited sections. Preview and generation both call this.
 */
export function renderArticlePrompt(template: TemplateText, ing: PromptIngredients, opts: { literalSystem?: boolean } = {}): ChatMessage[] {
  const values = placeholderValues(ing);
  const system = (opts.literalSystem ? template.system.trim() : renderTemplatePart(template.system, values)) || DEFAULT_SYSTEM_PROMPT;
  const feedback = (ing.feedback ?? []).map((f) => f.trim()).filter(Boolean);
  const sections = [
    `${PROMPT_MARKERS.keyword}\n${values.keyword}`,
    renderTemplatePart(template.user, values),
    feedback.length > 0 ? `${PROMPT_MARKERS.feedback}\n${FEEDBACK_INTRO}\n${feedback.map((f) => `- ${f}`).join('\n')}` : '',
    `${PROMPT_MARKERS.task}\nWrite the article about the keyword now. ${FORMAT_REMINDER}`,
  ];
  return [
    { role: 'system', content: system },
    { role: 'user', content: sections.filter(Boolean).join('\n\n') },
  ];
}

/**
 * The prompt of a task without a template: an article setting's prompt is its system part, taken
 * literally (older prompts may hold braces) and followed by the output format; else the built-in default.
 */
export function buildArticlePrompt(ing: PromptIngredients): ChatMessage[] {
  const setting = ing.articleSetting?.prompt.trim();
  if (!setting) return renderArticlePrompt(DEFAULT_TEMPLATE, ing);
  return renderArticlePrompt({ system: `${setting}\n\n${FORMAT_REMINDER}`, user: DEFAULT_TEMPLATE.user }, ing, { literalSystem: true });
}

/**
 * The messages of one article: with the task's pinned template revision, or without one the article
 * setting / built-in default. The article activity and the preview both call this.
 */
export const articleMessages = (template: TemplateText | null, ing: PromptIngredients): ChatMessage[] =>
  template ? renderArticlePrompt(template, ing) : buildArticlePrompt(ing);
