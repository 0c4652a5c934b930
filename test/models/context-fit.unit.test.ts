import { describe, expect, it } from 'vitest';
import { LlmError } from '../../src/llm/errors.js';
import { fitPromptToContextWindow } from '../../src/llm/models/context-fit.js';
import { countPromptTokens, tokenCountingFor, UNKNOWN_MODEL_MARGIN } from '../../src/llm/models/tokens.js';
import { parsePromptIngredients } from '../../src/llm/prompt.js';
import { articleMessages } from '../../src/llm/template.js';
import type { PromptIngredients } from '../../src/llm/types.js';

const ingredients = (passages: number): PromptIngredients => ({
  keyword: 'espresso machines',
  topics: ['Which one suits a small office?', 'How often to descale?'],
  knowledgeBase: {
    name: 'Handbook',
    documents: Array.from({ length: passages }, (_, i) => ({ title: `Passage ${i}`, content: `Rank ${i}: ${'descaling keeps the boiler clean and the pressure steady. '.repeat(20)}` })),
  },
});

const spec = (contextWindow: number | null, model = 'gpt-4o-mini') => ({ id: 'm', model, contextWindow });
const titlesOf = (messages: { role: string; content: string }[]) =>
  parsePromptIngredients(messages.find((m) => m.role === 'user')!.content)!.knowledgeBase?.documents.map((d) => d.title);

describe('token counting', () => {
  it('counts OpenAI models with their own encoding and any other model as an estimate that errs high', async () => {
    expect(tokenCountingFor('gpt-4o-mini')).toEqual({ kind: 'exact', encoding: 'o200k_base' });
    expect(tokenCountingFor('openai/gpt-4-turbo')).toEqual({ kind: 'exact', encoding: 'cl100k_base' });
    expect(tokenCountingFor('deepseek-chat')).toEqual({ kind: 'estimate' });
    const messages = articleMessages(null, ingredients(3));
    const exact = await countPromptTokens('gpt-4o', messages);
    expect(await countPromptTokens('qwen-plus', messages)).toBe(Math.ceil(exact * UNKNOWN_MODEL_MARGIN));
    // "Hello" is one token; each message adds 3 and the reply 3, the role 1.
    expect(await countPromptTokens('gpt-4o', [{ role: 'user', content: 'Hello' }])).toBe(8);
  });
});

describe('fitting a prompt into a context window', () => {
  it('leaves a prompt that fits, or a model without a known window, as it is', async () => {
    const messages = articleMessages(null, ingredients(4));
    for (const window of [null, 1_000_000]) {
      const fitted = await fitPromptToContextWindow(spec(window), messages, 1000);
      expect(fitted.messages).toBe(messages);
      expect([fitted.keptPassages, fitted.droppedPassages]).toEqual([4, 0]);
    }
  });

  it('drops knowledge passages lowest-ranked first until prompt and reply fit, keeping the most that do', async () => {
    const messages = articleMessages(null, ingredients(6));
    const withThree = await countPromptTokens('gpt-4o-mini', articleMessages(null, ingredients(3)));
    const fitted = await fitPromptToContextWindow(spec(withThree + 500), messages, 500);
    expect(fitted.keptPassages).toBe(3);
    expect(fitted.droppedPassages).toBe(3);
    expect(titlesOf(fitted.messages)).toEqual(['Passage 0', 'Passage 1', 'Passage 2']);
    expect(fitted.promptTokens).toBe(withThree);
  });

  it('works on a template that places the knowledge anywhere in its message', async () => {
    const template = { system: 'Write well.', user: 'Notes first:\n{{knowledge}}\nNow write about {{keyword}}.' };
    const messages = articleMessages(template, ingredients(5));
    const withOne = await countPromptTokens('gpt-4o-mini', articleMessages(template, ingredients(1)));
    const fitted = await fitPromptToContextWindow(spec(withOne + 100), messages, 100);
    expect(fitted.keptPassages).toBe(1);
    expect(fitted.messages[1]!.content).toContain('KNOWLEDGE>>>\nNow write about espresso machines.');
    expect(fitted.messages[1]!.content).toContain('Passage 0');
    expect(fitted.messages[1]!.content).not.toContain('Passage 1');
  });

  it('refuses, with a clear non-retryable error, a prompt that does not fit even without knowledge', async () => {
    const messages = articleMessages(null, ingredients(2));
    const err = await fitPromptToContextWindow(spec(300), messages, 200).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LlmError);
    expect((err as LlmError).kind).toBe('too_long');
    expect((err as LlmError).retryable).toBe(false);
    expect((err as LlmError).message).toMatch(/^the prompt takes \d+ tokens without any knowledge passage and the reply needs up to 200: more than model "m"'s context window of 300 tokens$/);
  });
});
