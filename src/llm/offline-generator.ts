import { LlmError } from './errors.js';
import { containsCjk, seededHash } from './seeded-text.js';
import { EN, ZH } from './offline-phrases.js';
import { parseDistillPrompt } from './distill-prompt.js';
import { renderOfflineQuestions } from './offline-questions.js';
import { parsePromptIngredients } from './prompt.js';
import type { CompletionRequest, CompletionResult, LlmClient, PromptIngredients } from './types.js';

export const OFFLINE_MODEL = 'offline-template-v1';

export { containsCjk, seededHash };

/** One variant of `items` for this draft and part: the same seed and part always pick the same one. */
const picker =
  (seed: string) =>
  <T>(items: readonly T[], part: string): T =>
    items[seededHash(`${seed}|${part}`) % items.length] as T;

interface Snippet {
  title: string;
  text: string;
}

function kbSnippets(ing: PromptIngredients): Snippet[] {
  const out: Snippet[] = [];
  for (const doc of ing.knowledgeBase?.documents ?? []) {
    for (const sentence of doc.content.split(/(?<=[.!?。！？])\s*|\n+/)) {
      const text = sentence.trim();
      if (text.length >= 4) out.push({ title: doc.title, text: text.length > 240 ? `${text.slice(0, 240)}…` : text });
    }
  }
  return out;
}

function overlap(a: string, b: string, cjk: boolean): number {
  const units = (s: string) => new Set(cjk ? Array.from(s) : s.toLowerCase().split(/\W+/).filter((w) => w.length > 2));
  const ua = units(a);
  let n = 0;
  for (const u of units(b)) if (ua.has(u)) n++;
  return n;
}

/** Best matching, not yet used snippet for a topic; falls back to the next unused one in order. */
function snippetFor(topic: string, snippets: Snippet[], used: Set<number>, cjk: boolean): Snippet | undefined {
  let best = -1;
  let bestScore = 0;
  snippets.forEach((s, i) => {
    if (used.has(i)) return;
    const score = overlap(topic, s.text, cjk);
    if (score > bestScore) [best, bestScore] = [i, score];
  });
  if (best < 0) best = snippets.findIndex((_, i) => !used.has(i));
  if (best < 0) return undefined;
  used.add(best);
  return snippets[best];
}

/**
 * A readable article from the prompt's ingredients. `seed` names the draft (task, position, rewrite): each
 * part's wording is picked by it, so drafts of one keyword for other tasks, positions or rewrites differ as
 * a model's would, and the same seed writes the same text.
 */
export function renderOfflineArticle(ing: PromptIngredients, seed = ''): string {
  const keyword = ing.keyword.trim();
  const cjk = containsCjk(keyword);
  const t = cjk ? ZH : EN;
  const pick = picker(`${seed}|${keyword}`);
  const snippets = kbSnippets(ing);
  const used = new Set<number>();
  const quote = (s: Snippet) => `${t.reference(s.title)}\n\n> ${s.text}`;
  const n = ing.topics.length;

  const parts: string[] = [`# ${pick(t.titles, 'title')(keyword, n)}`, pick(t.intros, 'intro')(keyword, n)];
  if (ing.image) parts.push(`![${ing.image.description || keyword}](${ing.image.url})`);

  ing.topics.forEach((topic, i) => {
    const question = /[?？.。!！]$/.test(topic) ? topic : `${topic}${cjk ? '？' : '?'}`;
    const at = `${i}|${topic}`;
    const advice = pick(t.advice, `advice|${at}`);
    // A second, different piece of advice: more ways for two drafts to differ.
    const more = pick(t.advice.filter((a) => a !== advice), `more|${at}`);
    const answer = [pick(t.openings, `opening|${at}`)(keyword, question), advice(keyword), more(keyword), pick(t.closings, `closing|${at}`)(keyword)];
    parts.push(`## ${topic}`, answer.join(cjk ? '' : ' '));
    const s = snippetFor(`${keyword} ${topic}`, snippets, used, cjk);
    if (s) parts.push(quote(s));
  });
  // Without topics the knowledge base would otherwise go unused.
  if (n === 0 && snippets[0]) parts.push(quote(snippets[0]));

  parts.push(`## ${t.summaryHeading}`, pick(t.summaries, 'summary')(keyword));
  if (ing.conversionTarget) parts.push(t.promo(keyword, ing.conversionTarget));
  return `${parts.join('\n\n')}\n`;
}

/** The text in about `n` pieces cut at paragraph ends, as a streaming model's answer arrives (all at once here: no added delay). */
function inPieces(text: string, n: number): string[] {
  const paragraphs = text.split(/(?<=\n\n)/);
  const per = Math.max(1, Math.ceil(paragraphs.length / n));
  const out: string[] = [];
  for (let i = 0; i < paragraphs.length; i += per) out.push(paragraphs.slice(i, i + per).join(''));
  return out;
}

export function createOfflineGenerator(): LlmClient {
  return {
    provider: 'offline',
    model: OFFLINE_MODEL,
    async complete(req: CompletionRequest): Promise<CompletionResult> {
      if (req.signal?.aborted) throw new LlmError('aborted', 'LLM request aborted by caller', { cause: req.signal.reason });
      const user = [...req.messages].reverse().find((m) => m.role === 'user')?.content ?? '';
      const distill = parseDistillPrompt(user);
      const ing = parsePromptIngredients(user) ?? {
        keyword: user.trim().split('\n')[0]?.slice(0, 60) || 'this topic',
        topics: [],
      };
      // A distillation prompt is answered as a model is asked to: a JSON array of questions.
      const content = distill ? JSON.stringify(renderOfflineQuestions(distill, req.seed)) : renderOfflineArticle(ing, req.seed);
      if (req.onDelta) for (const piece of inPieces(content, 4)) req.onDelta(piece);
      const promptChars = req.messages.reduce((n, m) => n + m.content.length, 0);
      return {
        content,
        model: OFFLINE_MODEL,
        promptTokens: Math.ceil(promptChars / 4),
        completionTokens: Math.ceil(content.length / 4),
      };
    },
  };
}
