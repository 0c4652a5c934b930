import { scopeAllows, type Scope } from '../../domain/accounts/index.js';
import type { MessageKey } from '../i18n/index.js';

export interface NavEntry {
  href: string;
  label: MessageKey;
  /** The least scope that sees the link (a read key has no New task link); everyone when absent. */
  need?: Scope;
  /** False while the page's route has not landed: the entry is kept here, ready, but not shown. */
  landed?: boolean;
}

export interface NavGroup {
  label: MessageKey;
  entries: NavEntry[];
}

/**
 * The console's navigation, grouped, in the order of the sidebar. A page is one line here; the sidebar, its
 * current-page marker and the tests read this list.
 *
 * @example { href: '/models', label: 'navModels', need: 'admin' }
 */
export const NAV_GROUPS: NavGroup[] = [
  {
    label: 'navContent',
    entries: [
      { href: '/distillations', label: 'distillations' },
      { href: '/articles', label: 'articlesNav' },
      { href: '/articles/queue', label: 'reviewQueue' },
    ],
  },
  {
    label: 'navGeneration',
    entries: [
      { href: '/tasks/new', label: 'newTask', need: 'write' },
      { href: '/tasks', label: 'tasks' },
      { href: '/schedules', label: 'schedules' },
    ],
  },
  {
    label: 'navSettings',
    entries: [
      { href: '/templates', label: 'templatesNav' },
      { href: '/knowledge-bases', label: 'knowledgeNav' },
      { href: '/albums', label: 'albumsNav' },
      { href: '/conversion-targets', label: 'targetsNav' },
      { href: '/quality-settings', label: 'qualityNav' },
      { href: '/webhooks', label: 'webhooksNav' },
      { href: '/keys', label: 'keys' },
      { href: '/models', label: 'navModels', need: 'operator' },
    ],
  },
  {
    label: 'navOperations',
    entries: [
      { href: '/dashboard', label: 'dashboardNav' },
      { href: '/usage', label: 'usagePage' },
      { href: '/costs', label: 'navCosts' },
      { href: '/stats', label: 'statsNav' },
      { href: '/audit', label: 'auditNav', need: 'admin' },
      { href: '/admin/accounts', label: 'accounts', need: 'operator' },
    ],
  },
];

/** The entries a key of `scope` sees, in their groups; empty groups left out. */
export function visibleNav(scope: Scope): NavGroup[] {
  return NAV_GROUPS.map((g) => ({ ...g, entries: g.entries.filter((e) => e.landed !== false && (!e.need || scopeAllows(scope, e.need))) })).filter((g) => g.entries.length > 0);
}

/** The entry a path belongs to: the longest href that is the path or a folder above it (`/tasks/7` is Tasks). */
export function currentEntry(groups: NavGroup[], path: string): string | undefined {
  let best: string | undefined;
  for (const { entries } of groups) {
    for (const { href } of entries) {
      if ((path === href || path.startsWith(`${href}/`)) && href.length > (best?.length ?? 0)) best = href;
    }
  }
  return best;
}
