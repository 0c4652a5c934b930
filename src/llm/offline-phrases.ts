import type { PromptIngredients } from './types.js';

type Company = NonNullable<PromptIngredients['conversionTarget']>;
type Phrase = (k: string) => string;
type TopicPhrase = (k: string, t: string) => string;

/**
 * The offline generator's wording, several ways of saying each part: a draft picks one of each by its
 * seed, so articles about one keyword differ as a model's would (src/llm/offline-generator.ts).
 */
export interface OfflinePhrases {
  titles: ((k: string, n: number) => string)[];
  intros: ((k: string, n: number) => string)[];
  /** A topic's answer: an opening, advice, and a closing sentence, each picked on its own. */
  openings: TopicPhrase[];
  advice: Phrase[];
  closings: Phrase[];
  reference: (title: string) => string;
  summaryHeading: string;
  summaries: Phrase[];
  promo: (k: string, c: Company) => string;
}

export const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

export const EN: OfflinePhrases = {
  titles: [
    (k, n) => (n > 1 ? `${cap(k)}: ${n} Questions Answered` : `${cap(k)}: Your Question Answered`),
    (k) => `A Practical Guide to ${cap(k)}`,
    (k) => `What to Know About ${cap(k)} Before You Decide`,
    (k, n) => (n > 1 ? `${cap(k)} Explained in ${n} Questions` : `${cap(k)}, Explained`),
    (k) => `${cap(k)}: Straight Answers to Common Questions`,
  ],
  intros: [
    (k, n) => `${cap(k)} comes up again and again when people start looking into this area. This article walks through the ${n > 1 ? `${n} questions` : 'question'} readers ask most often.`,
    (k) => `Thinking about ${k}? You are not alone: it is one of the topics readers write to us about most, and the same doubts keep coming back.`,
    (k) => `Before spending time or money on ${k}, it helps to get a few basics straight. Here is what matters, without the jargon.`,
    (k) => `There is a lot of noise around ${k}. We cut through it and answer the questions that actually decide whether it is right for you.`,
  ],
  openings: [
    (k, t) => `When it comes to ${k}, the honest answer to "${t}" depends on your situation.`,
    (k, t) => `"${t}" is one of the most common questions about ${k}.`,
    (k, t) => `Many readers wonder: ${t} The short answer for ${k} is that it varies, but a few rules hold.`,
    (k, t) => `Ask three people "${t}" and you may get three answers; for ${k}, the facts are simpler than that.`,
    (k, t) => `Here is how we would think about "${t}" if we were choosing ${k} today.`,
    (k, t) => `The question "${t}" sounds simple, yet it is where most decisions about ${k} go right or wrong.`,
  ],
  advice: [
    () => `Start by clarifying what you need, compare a few options side by side, and look for evidence rather than promises.`,
    () => `Focus on the fundamentals first and check the details that affect cost and quality.`,
    () => `Write down your requirements, weigh the trade-offs, and keep notes as you compare offers.`,
    () => `Talk to someone who has done it recently: their experience is worth more than any brochure.`,
    () => `Set a budget and a deadline up front, then judge every option against both.`,
    () => `Ask for references, read the small print, and be wary of anything that sounds too good to be true.`,
  ],
  closings: [
    () => `Do not hesitate to ask an expert when something is unclear.`,
    () => `A little preparation now saves a lot of trouble later.`,
    () => `Take your time: a careful choice is rarely the one you regret.`,
    () => `If in doubt, start small and learn as you go.`,
    () => `Once that is settled, the rest usually falls into place.`,
  ],
  reference: (title) => `According to "${title}":`,
  summaryHeading: 'Summary',
  summaries: [
    (k) => `${cap(k)} does not have to be complicated. Keep the questions above in mind, compare your options calmly, and you will make a better decision.`,
    (k) => `In short: know what you need, compare honestly, and ask when unsure. That is most of what ${k} takes.`,
    (k) => `With these answers in hand you can approach ${k} with confidence instead of guesswork.`,
    (k) => `Good decisions about ${k} come from clear questions. Revisit the ones above whenever you compare offers.`,
  ],
  promo: (k, c) =>
    `If you need help with ${k}, ${c.companyName}${c.industry ? `, a specialist in ${c.industry},` : ''} is worth getting in touch with.` +
    (c.website ? ` Learn more at ${c.website}.` : '') +
    (c.address ? ` You can also visit them at ${c.address}.` : ''),
};

export const ZH: OfflinePhrases = {
  titles: [
    (k, n) => (n > 0 ? `${k}全攻略：大家最关心的${n}个问题` : `${k}实用指南`),
    (k) => `${k}实用指南`,
    (k) => `关于${k}，你需要先知道这些`,
    (k, n) => (n > 1 ? `${n}个问题讲清楚${k}` : `一文讲清楚${k}`),
    (k) => `${k}常见问题解答`,
  ],
  intros: [
    (k, n) => `说到${k}，很多人在了解之初都会有不少疑问。本文整理了读者最常问的${n > 0 ? `${n}个` : ''}问题，并逐一给出清晰、实用的解答。`,
    (k) => `正在考虑${k}？你并不孤单，这是读者来信中问得最多的话题之一，而且同样的疑问总是反复出现。`,
    (k) => `在为${k}花时间和金钱之前，先把几个基本问题弄清楚会省去很多麻烦。下面用最直白的话说说重点。`,
    (k) => `关于${k}的说法五花八门。我们把噪音过滤掉，只回答真正影响你决定的那几个问题。`,
  ],
  openings: [
    (_k, t) => `关于“${t}”，答案取决于你的具体情况。`,
    (k, t) => `“${t}”是${k}领域最常见的问题之一。`,
    (k, t) => `不少读者都想知道：${t}对于${k}来说，情况各有不同，但有几条原则是通用的。`,
    (k, t) => `问三个人“${t}”，可能会得到三种答案；其实就${k}而言，事情没那么复杂。`,
    (k, t) => `如果今天让我们来选${k}，我们会这样看待“${t}”这个问题。`,
    (k, t) => `“${t}”听起来简单，却往往决定了${k}这件事做得好不好。`,
  ],
  advice: [
    () => `建议先明确自身需求，再横向比较几个选择，多看实际案例而不是只听宣传。`,
    () => `先把基础打牢，重点关注影响成本和质量的细节。`,
    () => `把需求逐条写下来，权衡利弊，比较各家方案时随手做好记录。`,
    () => `找最近刚做过的人聊一聊，他们的亲身经验比任何宣传册都有用。`,
    () => `事先定好预算和时间，再用这两条标准去衡量每一个选项。`,
    () => `多要几个参考案例，仔细看合同条款，对听起来好得不像真的承诺保持警惕。`,
  ],
  closings: [
    () => `遇到不确定的地方，及时咨询专业人士。`,
    () => `现在多做一点准备，以后就能少走很多弯路。`,
    () => `不必着急，慎重做出的选择很少让人后悔。`,
    () => `拿不准的时候，可以先从小处着手，边做边学。`,
    () => `这一点想清楚了，其他问题往往也就迎刃而解。`,
  ],
  reference: (title) => `参考资料《${title}》中提到：`,
  summaryHeading: '总结',
  summaries: [
    (k) => `${k}其实并不复杂。把上面的问题想清楚，理性比较各种选择，就能做出更适合自己的决定。`,
    (k) => `简单来说：弄清需求、认真比较、不懂就问，${k}的大部分问题就解决了。`,
    (k) => `有了这些答案，你就可以更有把握地面对${k}，而不是凭感觉去猜。`,
    (k) => `关于${k}的好决定，来自清楚的问题。比较方案时，不妨再回头看看上面这些问题。`,
  ],
  promo: (k, c) =>
    `如果你在${k}方面需要专业帮助，可以联系${c.companyName}${c.industry ? `（${c.industry}）` : ''}。` +
    (c.website ? `官网：${c.website}。` : '') +
    (c.address ? `地址：${c.address}。` : ''),
};
