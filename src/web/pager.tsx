/** @jsxImportSource hono/jsx */
import type { WebContext } from './context.js';

interface PagerProps {
  c: WebContext;
  page: number;
  pageSize: number;
  total: number;
  /** The URL of page `p`, keeping the list's filters. */
  href: (p: number) => string;
  /**
   * What sits between the links: the list's total (always shown, so the total is on every page), "page x of
   * y", or nothing (the page states its total elsewhere); the last two are left out when there is one page.
   */
  summary?: 'total' | 'pages' | 'none';
}

/** Previous and next of a paged list; the page number is in the URL, so a refresh stays on it. */
export function Pager({ c, page, pageSize, total, href, summary = 'total' }: PagerProps) {
  const t = c.get('t');
  const pages = Math.max(1, Math.ceil(total / pageSize));
  if (summary !== 'total' && pages === 1 && page === 1) return null;
  const label = summary === 'pages' ? t('pageOf', { page, pages }) : t('pagesNav');
  return (
    <nav aria-label={label} class="pager">
      {page > 1 && <a href={href(Math.min(page - 1, pages))} rel="prev">{t('previous')}</a>}
      {summary === 'total' && <span>{t('total', { n: total })}</span>}
      {summary === 'pages' && <span>{label}</span>}
      {page < pages && <a href={href(page + 1)} rel="next">{t('next')}</a>}
    </nav>
  );
}
