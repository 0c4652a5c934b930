/** Han, kana and hangul: the scripts written without spaces between words (the ranges search-query.ts uses). */
export const CJK_CHAR = /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]/u;
const CJK_CHARS = /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]/gu;
const WORDS = /[^\s\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]+/gu;

/**
 * A token count close enough to budget a prompt with, without a model's tokenizer: each CJK character
 * counts 1 token, each other whitespace-separated word 1.3 (BPE tokenizers split longer words).
 *
 * @example estimateTokens('内容营销 works') // 4 + 1.3 -> 6
 */
export function estimateTokens(text: string): number {
  const cjk = text.match(CJK_CHARS)?.length ?? 0;
  const words = text.match(WORDS)?.length ?? 0;
  return Math.ceil(cjk + words * 1.3);
}
