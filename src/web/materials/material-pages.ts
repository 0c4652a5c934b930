import type { MessageKey } from '../i18n/index.js';

/** The pages of the materials group: /materials lists them, each links to the others. */
export const MATERIAL_PAGES: { href: string; label: MessageKey; help: MessageKey }[] = [
  { href: '/albums', label: 'albumsNav', help: 'albumsHelp' },
  { href: '/conversion-targets', label: 'targetsNav', help: 'targetsHelp' },
  { href: '/quality-settings', label: 'qualityNav', help: 'qualityHelp' },
];
