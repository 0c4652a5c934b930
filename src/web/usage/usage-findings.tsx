/** @jsxImportSource hono/jsx */
import type { RepairChange } from '../../domain/usage/repair-change.js';
import type { Discrepancy } from '../../domain/usage/verification.js';
import type { WebContext } from '../context.js';
import { TableScroll } from '../table-scroll.js';
import { usageCodeLabel } from '../finding-words.js';

export type Keywords = Map<number, { keyword: string; deleted: boolean }>;

/** A distillation as "#id keyword", deleted ones marked. */
function DistillationName({ c, id, keywords }: { c: WebContext; id: number; keywords: Keywords }) {
  const k = keywords.get(id);
  return (
    <span>
      {`#${id} ${k?.keyword ?? ''}`}
      {k?.deleted && <> <span class="tag">{c.get('t')('usageDeletedMark')}</span></>}
    </span>
  );
}

/** What a finding or change is about: a distillation, or a task (and position) with a link. */
function Target({ c, ids, keywords }: { c: WebContext; ids: Record<string, number | string>; keywords: Keywords }) {
  if (ids.distillationId !== undefined) return <DistillationName c={c} id={Number(ids.distillationId)} keywords={keywords} />;
  const task = Number(ids.taskId);
  return (
    <span>
      <a href={`/tasks/${task}`}>{c.get('t')('task', { id: task })}</a>
      {ids.position !== undefined && ` #${ids.position}`}
    </span>
  );
}

type Pair = { expected: number | string; actual: number | string };

/** Stored value against the rows' value; a mismatch in the error colour, a matching count as "=". */
const Cell = ({ pair, stored }: { pair?: Pair; stored: boolean }) =>
  pair ? <td class={stored ? 'error' : undefined}>{String(stored ? pair.actual : pair.expected)}</td> : <td>=</td>;

/** The distillations whose usage or reserved count disagrees with its rows, one line each. */
export function DistillationFindings({ c, found, keywords }: { c: WebContext; found: Discrepancy[]; keywords: Keywords }) {
  const t = c.get('t');
  const rows = new Map<number, { usage?: Pair; reserved?: Pair }>();
  for (const d of found) {
    if (d.kind !== 'usage_count_mismatch' && d.kind !== 'reserved_count_mismatch') continue;
    const id = Number(d.ids.distillationId);
    const row = rows.get(id) ?? {};
    row[d.kind === 'usage_count_mismatch' ? 'usage' : 'reserved'] = d;
    rows.set(id, row);
  }
  if (rows.size === 0) return null;
  return (
    <>
      <h2>{t('usageByDistillation')}</h2>
      <TableScroll label={t('usageByDistillation')}>
        <table id="distillation-findings">
          <thead>
            <tr>
              <th scope="col">{t('usageDistillation')}</th>
              <th scope="col">{t('usageStoredUsage')}</th>
              <th scope="col">{t('usageTrueUsage')}</th>
              <th scope="col">{t('usageStoredReserved')}</th>
              <th scope="col">{t('usageTrueReserved')}</th>
            </tr>
          </thead>
          <tbody>
            {[...rows].map(([id, row]) => (
              <tr data-distillation={id}>
                <td><DistillationName c={c} id={id} keywords={keywords} /></td>
                <Cell pair={row.usage} stored={true} />
                <Cell pair={row.usage} stored={false} />
                <Cell pair={row.reserved} stored={true} />
                <Cell pair={row.reserved} stored={false} />
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
    </>
  );
}

/** Every other finding: tasks, items and articles. */
export function TaskFindings({ c, found, keywords }: { c: WebContext; found: Discrepancy[]; keywords: Keywords }) {
  const t = c.get('t');
  const rest = found.filter((d) => d.ids.distillationId === undefined);
  if (rest.length === 0) return null;
  return (
    <>
      <h2>{t('usageByTask')}</h2>
      <TableScroll label={t('usageByTask')}>
        <table id="task-findings">
          <thead>
            <tr><th scope="col">{t('usageFinding')}</th><th scope="col">{t('usageTarget')}</th><th scope="col">{t('usageExpected')}</th><th scope="col">{t('usageActual')}</th></tr>
          </thead>
          <tbody>
            {rest.map((d) => (
              <tr data-kind={d.kind}>
                <td title={d.kind}>{usageCodeLabel(t, d.kind)}</td>
                <td><Target c={c} ids={d.ids} keywords={keywords} /></td>
                <td>{String(d.expected)}</td>
                <td class="error">{String(d.actual)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
    </>
  );
}

/** A change's value: a count as it is, an object as "name value" pairs. */
const value = (v: unknown) =>
  v !== null && typeof v === 'object' ? Object.entries(v as Record<string, unknown>).map(([k, x]) => `${k} ${String(x)}`).join(', ') : String(v);

/** What a repair changes (or, for a dry run, would change): one line per change. */
export function ChangesTable({ c, changes, keywords }: { c: WebContext; changes: RepairChange[]; keywords: Keywords }) {
  const t = c.get('t');
  return (
    <TableScroll label={t('usageChanges')}>
      <table id="repair-changes">
        <thead>
          <tr><th scope="col">{t('usageChange')}</th><th scope="col">{t('usageTarget')}</th><th scope="col">{t('usageBefore')}</th><th scope="col">{t('usageAfter')}</th></tr>
        </thead>
        <tbody>
          {changes.map((ch) => (
            <tr data-change={ch.kind}>
              <td title={ch.kind}>{usageCodeLabel(t, ch.kind)}</td>
              <td><Target c={c} ids={ch.ids} keywords={keywords} /></td>
              <td>{value(ch.before)}</td>
              <td>{value(ch.after)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}
