import { describe, expect, it } from 'vitest';
import { dedupeQuestions, normalizeQuestion } from '../../src/domain/distillations/runs/question-dedup.js';
import { uniqueKeywords } from '../../src/domain/distillations/runs/run-input.js';
import { buildDistillPrompt, createOfflineGenerator, parseDistillPrompt, parseQuestions } from '../../src/llm/index.js';
import { renderOfflineQuestions } from '../../src/llm/offline-questions.js';

describe('parseQuestions', () => {
  it('reads a JSON array, in a code fence or prose, of strings or of objects with a question', () => {
    expect(parseQuestions('["What is X?", "How much does X cost?"]')).toEqual(['What is X?', 'How much does X cost?']);
    expect(parseQuestions('Sure!\n```json\n[\n  "What is X?",\n  "Is X safe?"\n]\n```')).toEqual(['What is X?', 'Is X safe?']);
    expect(parseQuestions('[{"question": "What is X?"}, {"q": 1}, "Why X?"]')).toEqual(['What is X?', 'Why X?']);
  });

  it('reads numbered and bulleted lists, Chinese numbering too, without preambles, headings or quotes', () => {
    const answer = 'Here are 5 questions:\n\n1. What is X?\n2) "How much does X cost?"\n- **How to choose X?**\n* X vs Y?\n\n# Notes\n一、什么是X？\n3、X多少钱？';
    expect(parseQuestions(answer)).toEqual(['What is X?', 'How much does X cost?', 'How to choose X?', 'X vs Y?', '什么是X？', 'X多少钱？']);
  });

  it('answers nothing for an answer with no usable question', () => {
    for (const answer of ['', '[]', '```\n```', '1.\n2.\n---', `${'x'.repeat(300)}`]) expect(parseQuestions(answer)).toEqual([]);
  });
});

describe('deduplication', () => {
  it('normalises case, width, punctuation and spacing', () => {
    expect(normalizeQuestion('  What IS  X？ ')).toBe(normalizeQuestion('what is x?'));
    expect(normalizeQuestion('ＡＢＣ，什么？')).toBe('abc什么');
  });

  it('drops repeats of existing topics and of earlier questions, exact or near, and keeps order', () => {
    const { kept, dropped } = dedupeQuestions(
      ['What is a heat pump?', 'WHAT IS A HEAT PUMP', 'How much does a heat pump cost?', 'How much does a heat pump cost ?!', 'Is a heat pump loud?', '???'],
      ['is a heat pump loud'],
    );
    expect(kept).toEqual(['What is a heat pump?', 'How much does a heat pump cost?']);
    expect(dropped).toBe(4);
  });

  it('keeps distinct questions of one keyword', () => {
    const questions = renderOfflineQuestions({ keyword: 'heat pump', count: 20 }, 'seed');
    expect(dedupeQuestions(questions, []).kept).toEqual(questions);
  });

  it('asks each keyword once, ignoring case and outer spaces', () => {
    expect(uniqueKeywords(['Heat pump', ' heat PUMP ', 'kettle'])).toEqual(['Heat pump', 'kettle']);
  });
});

describe('the distillation prompt and the offline generator', () => {
  it('round-trips the request through the prompt', () => {
    const [, user] = buildDistillPrompt({ keyword: '太阳能板', count: 8, language: 'zh' });
    expect(parseDistillPrompt(user!.content)).toEqual({ keyword: '太阳能板', count: 8, language: 'zh' });
    expect(parseDistillPrompt(buildDistillPrompt({ keyword: 'kettle', count: 3 })[1]!.content)).toEqual({ keyword: 'kettle', count: 3, language: null });
  });

  it("answers in the keyword's language with the core intents first, deterministic per seed and varied across seeds", async () => {
    const llm = createOfflineGenerator();
    const ask = async (keyword: string, seed: string, language?: string) =>
      parseQuestions((await llm.complete({ messages: buildDistillPrompt({ keyword, count: 8, language: language ?? null }), seed })).content);
    const zh = await ask('空气净化器', 'a');
    expect(zh).toHaveLength(8);
    expect(zh.slice(0, 4)).toEqual(['什么是空气净化器？', '空气净化器多少钱？', '如何选择空气净化器？', '空气净化器和同类产品有什么区别？']);
    const en = await ask('air purifier', 'a');
    expect(en.slice(0, 4)).toEqual(['What is air purifier?', 'How much does air purifier cost?', 'How to choose air purifier?', 'Air purifier vs alternatives: which is better?']);
    expect(await ask('air purifier', 'a')).toEqual(en);
    expect(await ask('air purifier', 'b')).not.toEqual(en);
    expect((await ask('air purifier', 'a', 'zh-CN'))[0]).toBe('什么是air purifier？');
    expect(new Set(await ask('air purifier', 'c')).size).toBe(8);
  });
});
