/** @jsxImportSource hono/jsx */
import type { BadRow } from '../../domain/distillations/distillation-file.js';
import type { listDistillations } from '../../domain/distillations/distillations.js';
import { canWrite, type WebContext } from '../context.js';
import { CsrfField, Layout } from '../layout.js';
import { importProblem } from './import-problems.js';
import { Pager } from '../pager.js';
import { TableScroll } from '../table-scroll.js';
import { Time } from '../time.js';

export interface DistillationsView {
  /** Its `selectable` is the number a task can use right now, the same the API's list answers. */
  list: Awaited<ReturnType<typeof listDistillations>>;
  search: string;
  notice?: string;
  /** Problems of the add form or of an import file, shown beside the form that caused them. */
  addErrors?: string[];
  addInput?: { keyword: string; topics: string };
  importError?: string;
  importBadRows?: BadRow[];
  /** Pasted text that was refused, shown again to fix (a chosen file cannot be kept: browsers clear file fields). */
  importText?: string;
}

/** A timestamp as the console shows it (UTC, to the minute). */

function AddForm({ c, v }: { c: WebContext; v: DistillationsView }) {
  const t = c.get('t');
  return (
    <form method="post" action="/distillations" class="card" aria-labelledby="add-title">
      <h2 id="add-title">{t('add')}</h2>
      <CsrfField token={c.get('session').csrfToken} />
      <label for="keyword">{t('keyword')}</label>
      <input id="keyword" name="keyword" required maxlength={200} value={v.addInput?.keyword ?? ''} />
      <label for="topics">{t('topics')}</label>
      <textarea id="topics" name="topics" rows={3} required aria-describedby="topics-help">{v.addInput?.topics ?? ''}</textarea>
      <p id="topics-help" class="help">{t('topicsHelp')}</p>
      {v.addErrors?.length ? <p class="error" role="alert">{v.addErrors.join('; ')}</p> : null}
      <button type="submit">{t('add')}</button>
    </form>
  );
}

function ImportForm({ c, v }: { c: WebContext; v: DistillationsView }) {
  const t = c.get('t');
  return (
    <form method="post" action="/distillations/import" enctype="multipart/form-data" class="card" aria-labelledby="import-title">
      <h2 id="import-title">{t('importTitle')}</h2>
      <p class="help" id="import-help">{t('importHelp')}</p>
      <CsrfField token={c.get('session').csrfToken} />
      <label for="import-file">{t('importFile')}</label>
      <input id="import-file" name="file" type="file" accept=".csv,.json,text/csv,application/json" aria-describedby="import-help" />
      <label for="import-text">{t('importText')}</label>
      {/* The HTML parser drops one newline right after <textarea>: this one. */}
      <textarea id="import-text" name="text" rows={3}>{v.importText ? `\n${v.importText}` : ''}</textarea>
      {v.importError && <p class="error" role="alert">{v.importError}</p>}
      {v.importBadRows?.length ? (
        <div role="alert" class="import-errors">
          <p class="error">{t('importRejected')}</p>
          <table>
            <thead><tr><th scope="col">{t('line')}</th><th scope="col">{t('keyword')}</th><th scope="col">{t('problem')}</th></tr></thead>
            <tbody>
              {v.importBadRows.map((r) => (
                <tr class="bad-line"><td>{r.line ?? r.index}</td><td>{r.keyword ?? ''}</td><td>{r.errors.map((e) => importProblem(t, e)).join(t('listSeparator'))}</td></tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <button type="submit">{t('importButton')}</button>
    </form>
  );
}

export function DistillationsPage({ c, v }: { c: WebContext; v: DistillationsView }) {
  const t = c.get('t');
  return (
    <Layout c={c} title={t('distillations')}>
      {v.notice && <p class="notice" role="status">{v.notice}</p>}
      <p id="selectable" class="stat">{t('selectableNow', { n: v.list.selectable })}</p>
      <p><a href="/distillations/runs" id="runs-link">{t('runs')}</a></p>
      <form method="get" action="/distillations" role="search" class="inline">
        <label for="q">{t('search')}</label>
        <input id="q" name="q" type="search" value={v.search} />
        <button type="submit">{t('searchButton')}</button>
      </form>
      <TableScroll label={t('distillations')}>
        <table id="distillations">
          <thead>
            <tr>
              <th scope="col">ID</th><th scope="col">{t('keyword')}</th><th scope="col">{t('topics')}</th>
              <th scope="col">{t('usage')}</th><th scope="col">{t('reserved')}</th><th scope="col">{t('created')}</th>
              {canWrite(c) && <th scope="col">{t('actions')}</th>}
            </tr>
          </thead>
          <tbody>
            {v.list.items.length === 0 && (
              <tr><td colspan={7}>{v.search || !canWrite(c) ? t('noRows') : <p class="empty" id="distillations-empty">{t('distillationsEmpty')} <a href="/distillations/runs">{t('distillationsEmptyRuns')}</a></p>}</td></tr>
            )}
            {v.list.items.map((d) => (
              <tr data-distillation-id={d.id}>
                <td>{d.id}</td><td>{d.keyword}</td><td>{d.topicCount}</td>
                <td>{d.usageCount}</td><td>{d.reservedCount}</td><td><Time c={c} at={d.createdAt} /></td>
                {canWrite(c) && (
                  <td>
                    <span class="actions">
                      <a href={`/distillations/${d.id}/edit`} aria-label={`${t('editTopics')} ${d.id}`}>{t('editTopics')}</a>
                      <a href={`/distillations/${d.id}/delete`} aria-label={`${t('deleteDistillation')} ${d.id}`}>{t('deleteDistillation')}</a>
                    </span>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
      <Pager c={c} page={v.list.page} pageSize={v.list.pageSize} total={v.list.total} href={(p) => `/distillations?${new URLSearchParams({ ...(v.search ? { q: v.search } : {}), page: String(p) })}`} />
      {canWrite(c) && (
        <div class="forms">
          <AddForm c={c} v={v} />
          <ImportForm c={c} v={v} />
        </div>
      )}
    </Layout>
  );
}
