/** @jsxImportSource hono/jsx */
import type { ResourceKind } from '../../domain/ingredients/index.js';
import type { WebContext } from '../context.js';
import type { MessageKey } from '../i18n/index.js';

/** Where an ingredient of a kind is created, for the pickers' "none yet: create one" link. */
const CREATE_PAGES: Partial<Record<ResourceKind, { href: string; label: MessageKey }>> = {
  album: { href: '/albums', label: 'noAlbumsYet' },
  conversionTarget: { href: '/conversion-targets', label: 'noTargetsYet' },
  knowledgeBase: { href: '/knowledge-bases', label: 'noKnowledgeBasesYet' },
};

/**
 * Beside an empty picker of the new-task and new-schedule forms: the page that creates one.
 *
 * @example {options.length === 0 && <NoneYetLink c={c} kind="album" id="album-none" />}
 */
export function NoneYetLink({ c, kind, id }: { c: WebContext; kind: ResourceKind; id: string }) {
  const target = CREATE_PAGES[kind];
  if (!target) return null;
  return <p class="help none-yet" id={id}><a href={target.href}>{c.get('t')(target.label)}</a></p>;
}

export const hasCreatePage = (kind: ResourceKind) => CREATE_PAGES[kind] !== undefined;
