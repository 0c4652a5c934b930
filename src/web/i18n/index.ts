import * as articles from './articles.js';
import * as common from './common.js';
import * as costs from './costs.js';
import * as consoleFrame from './console.js';
import * as distillationRuns from './distillation-runs.js';
import * as distillations from './distillations.js';
import * as keys from './keys.js';
import * as materials from './materials.js';
import * as models from './models.js';
import * as knowledge from './knowledge.js';
import * as notifications from './notifications.js';
import * as schedules from './schedules.js';
import * as tasks from './tasks.js';
import * as templates from './templates.js';
import * as time from './time.js';
import * as refusals from './refusals.js';
import * as findings from './findings.js';
import * as usage from './usage.js';
import * as webhooks from './webhooks.js';

/** The console's two languages: Chinese for the seed's users, English beside it. */
export const LANGS = ['zh', 'en'] as const;
export type Lang = (typeof LANGS)[number];
export const LANG_COOKIE = 'artgen_lang';

/**
 * One dictionary per area of the console, a file each: `en` first, `zh` typed against it, so a missing
 * translation is a type error. A key belongs to one area (test/web/web-i18n.unit.test.ts checks no area repeats another's).
 */
export const AREAS = { common, consoleFrame, distillations, distillationRuns, tasks, keys, articles, notifications, usage, schedules, webhooks, materials, templates, knowledge, models, costs, time, refusals, findings };

const en = { ...common.en, ...consoleFrame.en, ...distillations.en, ...distillationRuns.en, ...tasks.en, ...keys.en, ...articles.en, ...notifications.en, ...usage.en, ...schedules.en, ...webhooks.en, ...materials.en, ...templates.en, ...knowledge.en, ...models.en, ...costs.en, ...time.en, ...refusals.en, ...findings.en };

export type MessageKey = keyof typeof en;
export type Messages = Record<MessageKey, string>;

const zh: Messages = { ...common.zh, ...consoleFrame.zh, ...distillations.zh, ...distillationRuns.zh, ...tasks.zh, ...keys.zh, ...articles.zh, ...notifications.zh, ...usage.zh, ...schedules.zh, ...webhooks.zh, ...materials.zh, ...templates.zh, ...knowledge.zh, ...models.zh, ...costs.zh, ...time.zh, ...refusals.zh, ...findings.zh };

const DICTIONARY: Record<Lang, Messages> = { en, zh };

export type Translate = (key: MessageKey, vars?: Record<string, string | number>) => string;

export function translator(lang: Lang): Translate {
  const messages = DICTIONARY[lang];
  return (key, vars) => messages[key].replace(/\{(\w+)\}/g, (_, name: string) => String(vars?.[name] ?? `{${name}}`));
}

/** The cookie's choice, else the first of the browser's languages we have, else Chinese. */
export function pickLang(cookie: string | undefined, acceptLanguage: string | undefined): Lang {
  if (cookie === 'zh' || cookie === 'en') return cookie;
  const wanted = (acceptLanguage ?? '')
    .split(',')
    .map((part) => {
      const [tag, q] = part.trim().split(';q=');
      return { tag: (tag ?? '').toLowerCase(), q: q === undefined ? 1 : Number(q) };
    })
    .filter((w) => w.tag !== '' && w.q > 0)
    .sort((a, b) => b.q - a.q);
  for (const { tag } of wanted) {
    if (tag.startsWith('zh')) return 'zh';
    if (tag.startsWith('en')) return 'en';
  }
  return 'zh';
}
