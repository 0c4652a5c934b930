import type { ChatMessage } from '../types.js';

/** How a model's prompt is counted: exactly with its own encoding, or estimated with a margin for a model we do not know. */
export type TokenCounting = { kind: 'exact'; encoding: 'cl100k_base' | 'o200k_base' } | { kind: 'estimate' };

// OpenAI's chat format adds a few tokens around every message and primes the reply.
const TOKENS_PER_MESSAGE = 3;
const TOKENS_PER_REPLY = 3;
/** Another vocabulary may split text finer than o200k_base (CJK-heavy prompts on DeepSeek or Qwen): count it 25 % higher. */
export const UNKNOWN_MODEL_MARGIN = 1.25;

const CL100K_MODELS = /^(gpt-4($|-(?!o)|-turbo)|gpt-3\.5|text-embedding-)/;
const O200K_MODELS = /^(gpt-4o|gpt-4\.[1-9]|gpt-5|o[134](-|$)|chatgpt-4o)/;

/** Which encoding counts `model`'s tokens; provider prefixes such as "openai/" are ignored. */
export function tokenCountingFor(model: string): TokenCounting {
  const name = model.toLowerCase().replace(/^.*\//, '');
  if (O200K_MODELS.test(name)) return { kind: 'exact', encoding: 'o200k_base' };
  if (CL100K_MODELS.test(name)) return { kind: 'exact', encoding: 'cl100k_base' };
  return { kind: 'estimate' };
}

type CountTokens = (text: string) => number;
const encoders = new Map<string, Promise<CountTokens>>();

// The encodings' rank tables are a few MB: loaded on first use, once per process.
function encoder(name: 'cl100k_base' | 'o200k_base'): Promise<CountTokens> {
  let found = encoders.get(name);
  if (!found) {
    found = (name === 'cl100k_base' ? import('gpt-tokenizer/encoding/cl100k_base') : import('gpt-tokenizer/encoding/o200k_base')).then((m) => m.countTokens);
    encoders.set(name, found);
  }
  return found;
}

/**
 * The prompt tokens `messages` take for `model`, counted before the call with gpt-tokenizer: exact for OpenAI's
 * encodings, and for any other model the o200k_base count plus UNKNOWN_MODEL_MARGIN (an estimate that errs high, so a
 * prompt the window check lets through fits).
 *
 * @example await countPromptTokens('gpt-4o-mini', [{ role: 'user', content: 'Hello' }]) // 8
 */
export async function countPromptTokens(model: string, messages: readonly ChatMessage[]): Promise<number> {
  const counting = tokenCountingFor(model);
  const count = await encoder(counting.kind === 'exact' ? counting.encoding : 'o200k_base');
  let tokens = TOKENS_PER_REPLY;
  for (const m of messages) tokens += TOKENS_PER_MESSAGE + count(m.role) + count(m.content);
  return counting.kind === 'exact' ? tokens : Math.ceil(tokens * UNKNOWN_MODEL_MARGIN);
}
