import { containsCjk, seededHash } from './seeded-text.js';
import { cap } from './offline-phrases.js';
import type { DistillRequest } from './distill-prompt.js';

type Ask = (k: string) => string;

/** Question patterns by intent (definition, price, choice, comparison, use, problems), as people ask them. */
const EN: Ask[] = [
  (k) => `What is ${k}?`,
  (k) => `How much does ${k} cost?`,
  (k) => `How to choose ${k}?`,
  (k) => `${cap(k)} vs alternatives: which is better?`,
  (k) => `Is ${k} worth it?`,
  (k) => `How does ${k} work?`,
  (k) => `What are the pros and cons of ${k}?`,
  (k) => `Who should use ${k}?`,
  (k) => `What are common problems with ${k}?`,
  (k) => `How long does ${k} last?`,
  (k) => `Where can I buy ${k}?`,
  (k) => `What should I check before buying ${k}?`,
  (k) => `Which brand of ${k} is the most reliable?`,
  (k) => `How do I maintain ${k}?`,
  (k) => `Is ${k} safe?`,
  (k) => `What mistakes do beginners make with ${k}?`,
  (k) => `How to get started with ${k}?`,
  (k) => `What is the difference between cheap and expensive ${k}?`,
  (k) => `Can ${k} save money in the long run?`,
  (k) => `What do experts recommend about ${k}?`,
  (k) => `How is ${k} changing this year?`,
  (k) => `What are the best alternatives to ${k}?`,
  (k) => `How to compare ${k} offers?`,
  (k) => `What are the hidden costs of ${k}?`,
];

const ZH: Ask[] = [
  (k) => `什么是${k}？`,
  (k) => `${k}多少钱？`,
  (k) => `如何选择${k}？`,
  (k) => `${k}和同类产品有什么区别？`,
  (k) => `${k}值得买吗？`,
  (k) => `${k}的工作原理是什么？`,
  (k) => `${k}有哪些优缺点？`,
  (k) => `哪些人适合用${k}？`,
  (k) => `${k}常见问题有哪些？`,
  (k) => `${k}能用多久？`,
  (k) => `在哪里买${k}比较靠谱？`,
  (k) => `购买${k}前要注意什么？`,
  (k) => `${k}哪个品牌好？`,
  (k) => `${k}怎么保养？`,
  (k) => `${k}安全吗？`,
  (k) => `新手用${k}容易犯哪些错误？`,
  (k) => `${k}怎么入门？`,
  (k) => `便宜的${k}和贵的${k}差在哪里？`,
  (k) => `${k}长期使用划算吗？`,
  (k) => `专家对${k}有什么建议？`,
  (k) => `${k}今年有哪些新变化？`,
  (k) => `${k}有哪些替代方案？`,
  (k) => `怎么比较不同商家的${k}报价？`,
  (k) => `${k}有哪些隐性费用？`,
];

/** Chinese asked for, or no language asked for and a Chinese keyword. */
function wantsChinese(req: DistillRequest): boolean {
  const lang = req.language?.trim().toLowerCase();
  if (lang) return lang.startsWith('zh') || lang.includes('chinese') || lang.includes('中文');
  return containsCjk(req.keyword);
}

/**
 * `count` distinct questions about the keyword in its language, the core intents first (what, price, how
 * to choose, versus) and the rest in an order picked by `seed`: the same seed always asks the same.
 */
export function renderOfflineQuestions(req: DistillRequest, seed = ''): string[] {
  const asks = wantsChinese(req) ? ZH : EN;
  const keyword = req.keyword.trim();
  const [core, rest] = [asks.slice(0, 4), asks.slice(4)];
  const shuffled = rest
    .map((ask, i) => ({ ask, key: seededHash(`${seed}|${keyword}|${i}`) }))
    .sort((a, b) => a.key - b.key)
    .map((x) => x.ask);
  return [...core, ...shuffled].slice(0, Math.max(0, req.count)).map((ask) => ask(keyword));
}
