/** @jsxImportSource hono/jsx */
import type { Child } from 'hono/jsx';
import { html } from 'hono/html';
import type { WebContext } from './context.js';
import { UNREAD_BADGE_CAP } from '../domain/tasks/task-event-queries.js';
import { CSRF_FIELD } from './csrf.js';
import { Sidebar } from './nav/sidebar.js';

export const ASSET_VERSION = '12';

/** The hidden field every form behind sign-in posts back. */
export const CsrfField = ({ token }: { token: string }) => <input type="hidden" name={CSRF_FIELD} value={token} />;

interface LayoutProps {
  c: WebContext;
  title: string;
  children: Child;
  /** Signed-out pages (sign-in, errors before sign-in) have no navigation. */
  bare?: boolean;
  /** The page's <body data-*> hooks for console.js (live updates). */
  live?: Record<string, string>;
}

function LangSwitch({ c }: { c: WebContext }) {
  const next = encodeURIComponent(c.req.path + (new URL(c.req.url).search || ''));
  const t = c.get('t');
  return (
    <nav aria-label={t('language')} class="lang">
      <a href={`/lang/zh?next=${next}`} lang="zh" aria-current={c.get('lang') === 'zh' ? 'true' : undefined}>中文</a>
      <a href={`/lang/en?next=${next}`} lang="en" aria-current={c.get('lang') === 'en' ? 'true' : undefined}>English</a>
    </nav>
  );
}

/** The unread count beside the notifications link; nothing when there is none. */
async function UnreadBadge({ c }: { c: WebContext }) {
  const count = c.get('unreadNotifications');
  if (!count) return null;
  let n: number;
  try {
    n = await count();
  } catch {
    // An error page (the database down) still renders, without the badge.
    return null;
  }
  if (n === 0) return null;
  return (
    <>
      {' '}
      <span class="badge" id="unread-badge">{n >= UNREAD_BADGE_CAP ? `${UNREAD_BADGE_CAP - 1}+` : String(n)}</span>
      <span class="sr-only"> {c.get('t')('unreadSuffix')}</span>
    </>
  );
}

function TopBar({ c }: { c: WebContext }) {
  const t = c.get('t');
  const session = c.get('session');
  return (
    <header class="top">
      <a class="brand" href="/dashboard">{t('appName')}</a>
      <a class="top-link" href="/notifications" aria-current={c.req.path === '/notifications' ? 'page' : undefined}>{t('notifications')}<UnreadBadge c={c} /></a>
      <LangSwitch c={c} />
      <form method="post" action="/sign-out" class="sign-out">
        <CsrfField token={session.csrfToken} />
        <span class="who">{t('signedInAs', { prefix: session.keyPrefix, scope: session.scope })}</span>
        <button type="submit">{t('signOut')}</button>
      </form>
    </header>
  );
}

export function Layout({ c, title, children, bare, live }: LayoutProps) {
  const data = Object.fromEntries(Object.entries(live ?? {}).map(([k, v]) => [`data-${k}`, v]));
  return (
    <html lang={c.get('lang') === 'zh' ? 'zh-CN' : 'en'}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${title} · ${c.get('t')('appName')}`}</title>
        <link rel="stylesheet" href={`/assets/console.css?v=${ASSET_VERSION}`} />
        <script src={`/assets/console.js?v=${ASSET_VERSION}`} defer></script>
      </head>
      <body {...data}>
        <a class="skip-link" href="#main">{c.get('t')('skipToMain')}</a>
        {bare ? (
          <>
            <header class="top">
              <span class="brand">{c.get('t')('appName')}</span>
              <LangSwitch c={c} />
            </header>
            <main id="main">
              <h1>{title}</h1>
              {children}
            </main>
          </>
        ) : (
          <>
            <TopBar c={c} />
            <div class="shell">
              <Sidebar c={c} />
              <main id="main">
                <h1>{title}</h1>
                {c.get('session').scope === 'read' && <p class="note">{c.get('t')('readOnly')}</p>}
                {children}
              </main>
            </div>
          </>
        )}
      </body>
    </html>
  );
}

/** A full page with its doctype. */
export function page(c: WebContext, node: Child, status: 200 | 400 | 403 | 404 | 409 | 500 | 503 = 200) {
  return c.html(html`<!DOCTYPE html>${node}`, status);
}
