import { LlmError } from '../errors.js';
import { KB_DOCUMENT_MARKER, KNOWLEDGE_CLOSE, KNOWLEDGE_OPEN } from '../prompt.js';
import type { ChatMessage } from '../types.js';
import type { ModelSpec } from './spec.js';
import { countPromptTokens } from './tokens.js';

export interface FittedPrompt {
  messages: ChatMessage[];
  /** The prompt's tokens as counted before the call (see countPromptTokens). */
  promptTokens: number;
  /** Knowledge passages the prompt carries, best first (the first `keptPassages` of the ranked ones). */
  keptPassages: number;
  droppedPassages: number;
}

interface KnowledgeBlock {
  message: number;
  before: string;
  passages: string[];
  after: string;
}

const OPEN = `\n${KNOWLEDGE_OPEN}\n`;
const CLOSE = `\n${KNOWLEDGE_CLOSE}`;
const PASSAGE = `\n${KB_DOCUMENT_MARKER}`;

/**
 * The knowledge block renderKnowledge wrote into a message: its passages, best first. Passage text cannot hold the
 * markers (quoteDocumentText defuses them), so splitting on them is exact.
 */
function findKnowledge(messages: readonly ChatMessage[]): KnowledgeBlock | null {
  for (const [i, m] of messages.entries()) {
    const open = m.content.indexOf(OPEN);
    if (open < 0) continue;
    const bodyStart = open + OPEN.length - 1;
    const close = m.content.indexOf(CLOSE, bodyStart);
    if (close < 0) continue;
    const passages = m.content.slice(bodyStart, close).split(PASSAGE).slice(1);
    return { message: i, before: m.content.slice(0, bodyStart), passages, after: m.content.slice(close) };
  }
  return null;
}

function withPassages(messages: readonly ChatMessage[], kb: KnowledgeBlock, keep: number): ChatMessage[] {
  const body = kb.passages.slice(0, keep).map((p) => `${PASSAGE}${p}`).join('');
  return messages.map((m, i) => (i === kb.message ? { ...m, content: `${kb.before}${body}${kb.after}` } : m));
}

/**
 * Fits a prompt into `spec`'s context window with `completionTokens` left for the reply: knowledge passages (ranked
 * best first, as withArticleKnowledge retrieved them) are dropped lowest-ranked first until prompt + reply fit. A
 * prompt that does not fit even without knowledge is refused with a non-retryable LlmError ('too_long') naming the
 * counts, never sent to fail. A model without a known window gets the prompt as it is.
 *
 * @example const { messages, keptPassages } = await fitPromptToContextWindow(spec, articleMessages(template, ingredients), 4096);
 */
export async function fitPromptToContextWindow(spec: Pick<ModelSpec, 'id' | 'model' | 'contextWindow'>, messages: ChatMessage[], completionTokens: number): Promise<FittedPrompt> {
  const kb = findKnowledge(messages);
  const all = kb?.passages.length ?? 0;
  const full = await countPromptTokens(spec.model, messages);
  const fits = (tokens: number) => spec.contextWindow === null || tokens + completionTokens <= spec.contextWindow;
  if (fits(full)) return { messages, promptTokens: full, keptPassages: all, droppedPassages: 0 };
  if (kb) {
    // Binary search for the most passages that fit: the count grows with every passage kept.
    let lo = 0;
    let hi = all - 1;
    let best: FittedPrompt | null = null;
    while (lo <= hi) {
      const keep = (lo + hi) >> 1;
      const trimmed = withPassages(messages, kb, keep);
      const tokens = await countPromptTokens(spec.model, trimmed);
      if (fits(tokens)) {
        best = { messages: trimmed, promptTokens: tokens, keptPassages: keep, droppedPassages: all - keep };
        lo = keep + 1;
      } else {
        hi = keep - 1;
      }
    }
    if (best) return best;
  }
  const bare = kb ? await countPromptTokens(spec.model, withPassages(messages, kb, 0)) : full;
  throw new LlmError(
    'too_long',
    `the prompt takes ${bare} tokens${kb ? ' without any knowledge passage' : ''} and the reply needs up to ${completionTokens}: more than model "${spec.id}"'s context window of ${spec.contextWindow} tokens`,
  );
}
