/** @jsxImportSource hono/jsx */
import type { Child } from 'hono/jsx';

/**
 * The box a wide table scrolls sideways in at 375 px. Whether it scrolls depends on the rows and the
 * reader's fonts, and a row may hold nothing focusable (a read key's rows, pending deliveries), so the
 * box itself takes the keyboard focus and is a named region: a keyboard user can always scroll it (WCAG
 * 2.1.1, axe's scrollable-region-focusable).
 *
 * @example <TableScroll label={t('deliveriesTitle')}><table id="deliveries">...</table></TableScroll>
 */
export function TableScroll({ label, children }: { label: string; children: Child }) {
  return (
    <div class="table-wrap" tabindex={0} role="region" aria-label={label}>
      {children}
    </div>
  );
}
