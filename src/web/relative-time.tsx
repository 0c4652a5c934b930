/** @jsxImportSource hono/jsx */
import type { Translate } from './i18n/index.js';
import { formatInstant } from './time.js';


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
 * A time said relatively ("3 min ago"), with the exact time in the reader's zone on hover (title) and on keyboard focus: the
 * element is a tab stop and its exact time, visually hidden until then, is read with it.
 *
 * @example <RelativeTime t={t} at={task.createdAt} now={now} zone={c.get('zone')} />
 */
export function RelativeTime({ t, at, now, zone }: { t: Translate; at: Date; now: Date; zone: string }) {
  const exact = formatInstant(at, zone);
  return (
    <time class="rel" datetime={at.toISOString()} title={exact} tabindex={0}>
      {relativeWords(t, at, now)}
      <span class="exact"> ({exact})</span>
    </time>
  );
}
