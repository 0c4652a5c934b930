import { LlmError } from './errors.js';
import { parsePromptIngredients } from './prompt.js';
import type { CompletionRequest, CompletionResult, LlmClient, PromptIngredients } from './types.js';

export const OFFLINE_MODEL = 'offline-template-v1';

const CJK = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]/;

export function containsCjk(s: string): boolean {
  return CJK.test(s);
}

/** Deterministic 32-bit FNV-1a, used to pick template variants reproducibly. */
function hash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

function pick<T>(items: readonly T[], seed: string): T {
  return items[hash(seed) % items.length] as T;
}

const EN = {
  title: (k: string, n: number) =>
    n > 1 ? `${cap(k)}: ${n} Questions Answered` : n === 1 ? `${cap(k)}: Your Question Answered` : `A Practical Guide to ${cap(k)}`,
  intro: (k: string, n: number) =>
    `${cap(k)} comes up again and again when people start looking into this area. ` +
    (n > 0
      ? `This article walks through the ${n > 1 ? `${n} questions` : 'question'} readers ask most often and gives clear, practical answers.`
      : 'This article explains what matters most and how to get started.'),
  answers: [
    (k: string, t: string) =>
      `When it comes to ${k}, the honest answer to "${t}" depends on your situation. Start by clarifying what you need, compare a few options side by side, and look for evidence rather than promises.`,
    (k: string, t: string) =>
      `"${t}" is one of the most common questions about ${k}. The short version: focus on the fundamentals first, check the details that affect cost and quality, and ask for references before you commit.`,
    (k: string, t: string) =>
      `Many readers wonder: ${t} With ${k}, a careful approach pays off. Write down your requirements, weigh the trade-offs, and do not hesitate to ask an expert when something is unclear.`,
  ],
  reference: (title: string) => `According to "${title}":`,
  summaryHeading: 'Summary',
  summary: (k: string) =>
    `${cap(k)} does not have to be complicated. Keep the questions above in mind, compare your options calmly, and you will make a better decision.`,
  promo: (k: string, c: NonNullable<PromptIngredients['conversionTarget']>) =>
    `If you need help with ${k}, ${c.companyName}${c.industry ? `, a specialist in ${c.industry},` : ''} is worth getting in touch with.` +
    (c.website ? ` Learn more at ${c.website}.` : '') +
    (c.address ? ` You can also visit them at ${c.address}.` : ''),
};

const ZH = {
  title: (k: string, n: number) => (n > 0 ? `${k}全攻略：大家最关心的${n}个问题` : `${k}实用指南`),
  intro: (k: string, n: number) =>
    `说到${k}，很多人在了解之初都会有不少疑问。` +
    (n > 0 ? `本文整理了读者最常问的${n}个问题，并逐一给出清晰、实用的解答。` : '本文为你梳理其中最重要的要点和入门方法。'),
  answers: [
    (k: string, t: string) =>
      `关于“${t}”，答案取决于你的具体情况。了解${k}时，建议先明确自身需求，再横向比较几个选择，多看实际案例而不是只听宣传。`,
    (k: string, t: string) =>
      `“${t}”是${k}领域最常见的问题之一。简单来说：先把基础打牢，重点关注影响成本和质量的细节，做决定前多问问过来人的经验。`,
    (k: string, t: string) =>
      `不少读者都想知道：${t}对于${k}来说，稳妥的做法是先列出需求清单，权衡利弊，遇到不确定的地方及时咨询专业人士。`,
  ],
  reference: (title: string) => `参考资料《${title}》中提到：`,
  summaryHeading: '总结',
  summary: (k: string) => `${k}其实并不复杂。把上面的问题想清楚，理性比较各种选择，就能做出更适合自己的决定。`,
  promo: (k: string, c: NonNullable<PromptIngredients['conversionTarget']>) =>
    `如果你在${k}方面需要专业帮助，可以联系${c.companyName}${c.industry ? `（${c.industry}）` : ''}。` +
    (c.website ? `官网：${c.website}。` : '') +
    (c.address ? `地址：${c.address}。` : ''),
};

function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

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

export function renderOfflineArticle(ing: PromptIngredients): string {
  const keyword = ing.keyword.trim();
  const cjk = containsCjk(keyword);
  const t = cjk ? ZH : EN;
  const snippets = kbSnippets(ing);
  const used = new Set<number>();
  const quote = (s: Snippet) => `${t.reference(s.title)}\n\n> ${s.text}`;

  const parts: string[] = [`# ${t.title(keyword, ing.topics.length)}`, t.intro(keyword, ing.topics.length)];
  if (ing.image) parts.push(`![${ing.image.description || keyword}](${ing.image.url})`);

  ing.topics.forEach((topic, i) => {
    const question = /[?？.。!！]$/.test(topic) ? topic : `${topic}${cjk ? '？' : '?'}`;
    parts.push(`## ${topic}`, pick(t.answers, `${keyword}|${topic}|${i}`)(keyword, question));
    const s = snippetFor(`${keyword} ${topic}`, snippets, used, cjk);
    if (s) parts.push(quote(s));
  });
  // Without topics the knowledge base would otherwise go unused.
  if (ing.topics.length === 0 && snippets[0]) parts.push(quote(snippets[0]));

  parts.push(`## ${t.summaryHeading}`, t.summary(keyword));
  if (ing.conversionTarget) parts.push(t.promo(keyword, ing.conversionTarget));
  return `${parts.join('\n\n')}\n`;
}

export function createOfflineGenerator(): LlmClient {
  return {
    provider: 'offline',
    model: OFFLINE_MODEL,
    async complete(req: CompletionRequest): Promise<CompletionResult> {
      if (req.signal?.aborted) throw new LlmError('aborted', 'LLM request aborted by caller', { cause: req.signal.reason });
      const user = [...req.messages].reverse().find((m) => m.role === 'user')?.content ?? '';
      const ing = parsePromptIngredients(user) ?? {
        keyword: user.trim().split('\n')[0]?.slice(0, 60) || 'this topic',
        topics: [],
      };
      const content = renderOfflineArticle(ing);
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
