/** @jsxImportSource hono/jsx */
import type { Translate } from './i18n/index.js';

/** An exact time with its zone (UTC until the console learns the reader's zone). */
export const exactUtc = (d: Date) => `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;

/** "3 min ago" in the page's language: minutes under an hour, hours under two days, then days. */
export function relativeWords(t: Translate, at: Date, now: Date): string {
  const minutes = Math.round((now.getTime() - at.getTime()) / 60_000);
  if (minutes < 0) return t('inFuture', { n: -minutes });
  if (minutes < 1) return t('justNow');
  if (minutes < 60) return t('minutesAgo', { n: minutes });
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return t('hoursAgo', { n: hours });
  return t('daysAgo', { n: Math.floor(hours / 24) });
}

/**
 * A time said relatively ("3 min ago"), with the exact time on hover (title) and on keyboard focus: the
 * element is a tab stop and its exact time, visually hidden until then, is read with it.
 *
 * @example <RelativeTime t={t} at={task.createdAt} now={now} />
 */
export function RelativeTime({ t, at, now }: { t: Translate; at: Date; now: Date }) {
  const exact = exactUtc(at);
  return (
    <time class="rel" datetime={at.toISOString()} title={exact} tabindex={0}>
      {relativeWords(t, at, now)}
      <span class="exact"> ({exact})</span>
    </time>
  );
}
