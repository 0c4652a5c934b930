/** @jsxImportSource hono/jsx */
import type { WebContext } from '../context.js';
import { currentEntry, visibleNav } from './nav-entries.js';

/**
 * The grouped navigation. On a wide screen it is a sidebar; on a phone it folds behind a Menu button that is
 * a real checkbox (CSS shows the list when it is checked): no script, reachable by Tab, toggled by Space.
 */
export function Sidebar({ c }: { c: WebContext }) {
  const t = c.get('t');
  const groups = visibleNav(c.get('session').scope);
  const here = currentEntry(groups, c.req.path);
  return (
    <div class="side">
      <input type="checkbox" id="nav-toggle" class="nav-toggle" aria-controls="main-nav" />
      <label for="nav-toggle" class="nav-button">
        <span aria-hidden="true" class="nav-icon"></span> {t('menu')}
      </label>
      <nav aria-label={t('mainNav')} class="main-nav" id="main-nav">
        {groups.map((g, i) => (
          <div class="nav-group">
            <p class="nav-group-name" id={`nav-group-${i}`}>{t(g.label)}</p>
            <ul aria-labelledby={`nav-group-${i}`}>
              {g.entries.map((e) => (
                <li><a href={e.href} aria-current={e.href === here ? 'page' : undefined}>{t(e.label)}</a></li>
              ))}
            </ul>
          </div>
        ))}
      </nav>
    </div>
  );
}
