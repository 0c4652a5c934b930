import { describe, expect, it } from 'vitest';
import { bigramsOf, segmentForIndex, segmentQueryWords } from '../../src/domain/knowledge/segmentation.js';
import { orTsquery, textQueryTerms } from '../../src/domain/knowledge/text-ranking.js';
import { selectiveTerms } from '../../src/domain/knowledge/selective-terms.js';

describe('CJK tokenizers for knowledge retrieval', () => {
  it('jieba (prebuilt @node-rs/jieba) loads here and cuts words, long ones also into the words inside them', () => {
    const indexed = segmentForIndex('星耀 S7 扫地机器人，充满电约需 4 小时。').split(/\s+/).filter(Boolean);
    expect(indexed).toEqual(expect.arrayContaining(['星耀', 'S7', '扫地', '机器人', '充满', '小时']));
    expect(indexed).not.toContain('，');
  });

  it('drops question words and single characters from a query', () => {
    expect(segmentQueryWords('扫地机器人充满电要多长时间')).toEqual(expect.arrayContaining(['扫地', '机器人', '充满']));
    expect(segmentQueryWords('扫地机器人充满电要多长时间')).not.toContain('多长时间');
    expect(segmentQueryWords('扫地机器人充满电要多长时间')).not.toContain('要');
  });

  it('bigrams match how artgen_search_text indexes a run', () => {
    expect(bigramsOf('内容营销')).toEqual(['内容', '容营', '营销']);
    expect(bigramsOf('营')).toEqual(['营']);
  });

  it('builds an OR query of both scripts, quoting what the tsquery parser would read as syntax', () => {
    expect(textQueryTerms('退款多久到账? refund time', 'bigram')).toEqual(['退款', '款多', '多久', '久到', '到账', 'refund', 'time']);
    expect(orTsquery(["it's", 'a|b'])).toBe("'it''s' | 'a|b'");
    expect(orTsquery(textQueryTerms('？！', 'jieba'))).toBeUndefined();
  });

  it('keeps the rarest terms within the candidate budget, and at least one', () => {
    const terms = [
      { lexeme: '任务', frequency: 0.4 },
      { lexeme: '超时', frequency: 0.004 },
      { lexeme: '重试', frequency: 0.005 },
    ];
    expect(selectiveTerms(terms, 100_000, 1_000)).toEqual(['超时', '重试']);
    expect(selectiveTerms(terms, 100, 1_000)).toEqual(['超时', '重试', '任务']);
    expect(selectiveTerms([{ lexeme: '任务', frequency: 0.9 }], 100_000, 1_000)).toEqual(['任务']);
  });
});
