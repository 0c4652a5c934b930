import type { ScheduleSpec } from '../../domain/schedules/index.js';
import type { Lang, Translate } from '../i18n/index.js';

/** The cron presets of the new-schedule form; a schedule whose cron is one of them is named by it. */
export const CRON_PRESETS = [
  { value: 'daily', cron: '0 9 * * *', label: 'presetDaily' },
  { value: 'weekly', cron: '0 9 * * 1', label: 'presetWeekly' },
  { value: 'six-hours', cron: '0 */6 * * *', label: 'presetSixHours' },
] as const;

/** A run time as a reader in `lang` says it, in the schedule's own time zone and with its offset (UTC+8). */
export function formatRunTime(at: Date | string, lang: Lang, timeZone: string) {
  const text = new Intl.DateTimeFormat(lang === 'zh' ? 'zh-CN' : 'en-GB', { timeZone, weekday: 'short', year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', timeZoneName: 'shortOffset' }).format(
    new Date(at),
  );
  // One way to name an offset on every page: UTC+8, as the console's other times say it.
  return text.replace(/GMT(?=[+-]|$)/, 'UTC').replace(/UTC[+-]0(?![\d:])/, 'UTC');
}

/** A spec in words: the preset's name, else the cron itself, else the interval in its largest whole unit. */
export function describeSpec(spec: ScheduleSpec, t: Translate) {
  if (spec.cron !== undefined) {
    const preset = CRON_PRESETS.find((p) => p.cron === spec.cron);
    return `${preset ? t(preset.label) : t('specCron', { cron: spec.cron })} · ${spec.timezone}`;
  }
  const n = spec.intervalSeconds ?? 0;
  const [value, unit] = n % 3600 === 0 ? [n / 3600, t('unitHours')] : n % 60 === 0 ? [n / 60, t('unitMinutes')] : [n, t('unitSeconds')];
  return t('specEvery', { n: value, unit });
}
