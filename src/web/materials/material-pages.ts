import type { MessageKey } from '../i18n/index.js';

/** The pages of the materials group: the navigation's one link leads to their list, each links to the others. */
export const MATERIAL_PAGES: { href: string; label: MessageKey; help: MessageKey }[] = [
  { href: '/albums', label: 'albumsNav', help: 'albumsHelp' },
  { href: '/conversion-targets', label: 'targetsNav', help: 'targetsHelp' },
  { href: '/quality-settings', label: 'qualityNav', help: 'qualityHelp' },
];

/** Whether `path` is one of the group's pages (or below one), for the navigation's current link. */
export const isMaterialsPath = (path: string) =>
  path === '/materials' || MATERIAL_PAGES.some((p) => path === p.href || path.startsWith(`${p.href}/`));
