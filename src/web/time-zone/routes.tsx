/** @jsxImportSource hono/jsx */
import { Hono } from 'hono';
import { setCookie } from 'hono/cookie';
import { cookieOptions } from '../session.js';
import type { WebContext, WebEnv } from '../context.js';
import { Layout, page } from '../layout.js';
import { localRedirectPath } from '../local-path.js';
import { isKnownZone, knownZones, Time, ZONE_COOKIE } from '../time.js';

function TimeZonePage({ c, next, saved }: { c: WebContext; next: string; saved: boolean }) {
  const t = c.get('t');
  const zone = c.get('zone');
  return (
    <Layout c={c} title={t('timeZonePage')}>
      {saved && <p class="notice" role="status">{t('timeZoneSaved', { zone })}</p>}
      <p class="help">{t('timeZoneHelp')}</p>
      <p id="time-zone-now">{t('timeZoneNow', { zone })} <Time c={c} at={new Date()} /></p>
      <form method="get" action="/time-zone" id="time-zone-form">
        <input type="hidden" name="next" value={next} />
        <label for="zone">{t('timeZoneLabel')}</label>
        <select id="zone" name="zone">
          {knownZones().map((z) => <option value={z} selected={z === zone}>{z}</option>)}
        </select>
        <button type="submit">{t('timeZoneSave')}</button>
      </form>
    </Layout>
  );
}

/**
 * The reader's time zone, any key may choose it (a reading preference like the language, so a GET as the
 * language switch is): `/time-zone?zone=America/New_York&next=/tasks` remembers it in a cookie for a year.
 */
export function timeZoneRoutes() {
  return new Hono<WebEnv>().get('/', (c) => {
    const next = localRedirectPath(c.req.query('next') ?? '/time-zone');
    const zone = c.req.query('zone');
    if (isKnownZone(zone)) {
      setCookie(c, ZONE_COOKIE, zone, { path: '/', sameSite: 'Lax', maxAge: 365 * 86400, secure: cookieOptions(c, 0).secure });
      return c.redirect(next === '/time-zone' ? '/time-zone?saved=1' : next, 303);
    }
    return page(c, <TimeZonePage c={c} next={next} saved={c.req.query('saved') === '1'} />);
  });
}
