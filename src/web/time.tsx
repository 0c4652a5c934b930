/** @jsxImportSource hono/jsx */
import type { WebContext } from './context.js';
import type { Lang } from './i18n/index.js';

/** The zone the reader chose on /time-zone: it wins over everything else. */
export const ZONE_COOKIE = 'artgen_tz';
/** The browser's own zone, written by console.js when the reader has chosen none. */
export const BROWSER_ZONE_COOKIE = 'artgen_tz_browser';

/** Where nobody said: the seed's readers are in China; an English page without a hint reads UTC. */
const LANG_DEFAULT_ZONE: Record<Lang, string> = { zh: 'Asia/Shanghai', en: 'UTC' };

const zoneNames = new Set<string>([...Intl.supportedValuesOf('timeZone'), 'UTC']);

/** Every IANA zone name this runtime knows, UTC included, for the chooser. */
export const knownZones = (): string[] => [...zoneNames].sort();

export const isKnownZone = (zone: string | undefined): zone is string => zone !== undefined && zoneNames.has(zone);

/**
 * The zone a page shows its times in: the reader's choice, else the browser's, else the page language's default.
 *
 * @example pickZone(undefined, 'Europe/Berlin', 'zh') // 'Europe/Berlin'
 */
export function pickZone(chosen: string | undefined, browser: string | undefined, lang: Lang): string {
  if (isKnownZone(chosen)) return chosen;
  if (isKnownZone(browser)) return browser;
  return LANG_DEFAULT_ZONE[lang];
}

export type Precision = 'day' | 'minute' | 'second';

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(zone: string) {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      timeZoneName: 'longOffset',
    });
    formatters.set(zone, f);
  }
  return f;
}

/**
 * An instant as wall-clock time in `zone`, with the zone's offset from UTC (`UTC` itself when it is 0),
 * so a reader never has to guess: `2026-12-07 09:30 UTC+08:00`. One format for every page, the same
 * digits in zh and en.
 *
 * @example formatInstant(new Date('2026-12-07T01:30:00Z'), 'Asia/Shanghai') // '2026-12-07 09:30 UTC+08:00'
 */
export function formatInstant(at: Date, zone: string, precision: Precision = 'minute'): string {
  const parts = Object.fromEntries(formatterFor(zone).formatToParts(at).map((p) => [p.type, p.value])) as Record<string, string>;
  const date = `${parts.year}-${parts.month}-${parts.day}`;
  const clock = precision === 'second' ? `${parts.hour}:${parts.minute}:${parts.second}` : `${parts.hour}:${parts.minute}`;
  const offset = (parts.timeZoneName ?? 'GMT').replace(/^GMT/, '');
  const zoneLabel = offset === '' || /^[+-]00:00$/.test(offset) ? 'UTC' : `UTC${offset}`;
  return precision === 'day' ? `${date} ${zoneLabel}` : `${date} ${clock} ${zoneLabel}`;
}

/** The zone a page renders in, carried by the context (set by the console's middleware). */
type ZoneContext = Pick<WebContext, 'get'>;

/** `formatInstant` in the page's zone, for text that is not a `<time>` element (a sentence, a title). */
export const pageTime = (c: ZoneContext, at: Date | string, precision: Precision = 'minute') => formatInstant(new Date(at), c.get('zone'), precision);

/**
 * A `<time>` in the page's zone: the exact instant in `datetime`, the zone's name on hover.
 *
 * @example <Time c={c} at={task.createdAt} />
 */
export function Time({ c, at, precision = 'minute', class: className }: { c: ZoneContext; at: Date | string; precision?: Precision; class?: string }) {
  const d = new Date(at);
  return (
    <time datetime={d.toISOString()} title={c.get('zone')} class={className}>
      {formatInstant(d, c.get('zone'), precision)}
    </time>
  );
}

/** The zone the page's times are in, linking to the chooser (and back to this page). */
export function ZoneNote({ c }: { c: WebContext }) {
  return (
    <p class="help zone-note">
      <a href={`/time-zone?next=${encodeURIComponent(c.req.path)}`}>{c.get('t')('timeZoneChange', { zone: c.get('zone') })}</a>
    </p>
  );
}
