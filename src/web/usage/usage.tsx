/** @jsxImportSource hono/jsx */
import type { listUsageReports, StoredUsageReport } from '../../domain/usage/usage-reports.js';
import { canWrite, type WebContext } from '../context.js';
import { CsrfField, Layout } from '../layout.js';
import { Pager } from '../pager.js';
import { TableScroll } from '../table-scroll.js';
import { usageCodeLabel } from '../finding-words.js';
import { Time } from '../time.js';

export interface UsageView {
  reports: Awaited<ReturnType<typeof listUsageReports>>;
  /** A refused apply (the counts changed since its dry run), shown above the buttons. */
  error?: string;
}


/** Totals that are not a kind of finding. */
const NOT_KINDS = new Set(['distillations', 'tasks', 'discrepancies', 'changes', 'remaining']);

export function kindLabel(c: WebContext, r: StoredUsageReport) {
  const t = c.get('t');
  return r.kind === 'verify' ? t('usageKindVerify') : r.dryRun ? t('usageKindDryRun') : t('usageKindRepair');
}

const SOURCE_WORDS = { api: 'usageSourceApi', schedule: 'usageSourceSchedule', cli: 'usageSourceCli', console: 'usageSourceConsole' } as const;

/** Who ran a report (the API, the schedule, the CLI, the console) in the page's language. */
export const sourceLabel = (c: WebContext, r: StoredUsageReport) => c.get('t')(SOURCE_WORDS[r.source]);

/** The report's outcome in one line: clean, or how many of which kind (and, for a repair, what it changed). */
export function ResultLine({ c, r }: { c: WebContext; r: StoredUsageReport }) {
  const t = c.get('t');
  const totals = { distillations: r.totals.distillations ?? 0, tasks: r.totals.tasks ?? 0 };
  const n = r.totals.discrepancies ?? 0;
  const kinds = Object.entries(r.totals).filter(([k, v]) => !NOT_KINDS.has(k) && v > 0);
  return (
    <span>
      {n === 0 ? <span class="clean">{t('usageClean', totals)}</span> : <span class="error">{t('usageFound', { n, ...totals })}</span>}
      {kinds.length > 0 && <> {kinds.map(([k, v]) => <span class="finding-count" data-kind={k} title={k}>{` ${usageCodeLabel(t, k)} ${v}`}</span>)}</>}
      {r.kind === 'repair' && <> · {t('usageChangedN', { n: r.totals.changes ?? 0, remaining: r.totals.remaining ?? 0 })}</>}
    </span>
  );
}

function Actions({ c }: { c: WebContext }) {
  const t = c.get('t');
  if (!canWrite(c)) return null;
  const csrf = <CsrfField token={c.get('session').csrfToken} />;
  return (
    <div class="forms">
      <form method="post" action="/usage/verify" class="card">
        {csrf}
        <p class="help">{t('usageIntro')}</p>
        <button type="submit" id="verify">{t('usageVerify')}</button>
      </form>
      <form method="post" action="/usage/repair" class="card">
        {csrf}
        <p class="help">{t('usageDryRunHelp')}</p>
        <button type="submit" id="dry-run">{t('usageDryRun')}</button>
      </form>
    </div>
  );
}

export function UsagePage({ c, v }: { c: WebContext; v: UsageView }) {
  const t = c.get('t');
  return (
    <Layout c={c} title={t('usagePage')}>
      {v.error && <p class="error" role="alert" id="usage-error">{v.error}</p>}
      {canWrite(c) ? <Actions c={c} /> : <p class="help">{t('usageIntro')}</p>}
      <h2>{t('usageReports')}</h2>
      <p class="help">{t('usageReportsHelp')}</p>
      <TableScroll label={t('usageReports')}>
        <table id="usage-reports">
          <thead>
            <tr><th scope="col">ID</th><th scope="col">{t('created')}</th><th scope="col">{t('usageKind')}</th><th scope="col">{t('usageSource')}</th><th scope="col">{t('usageResult')}</th></tr>
          </thead>
          <tbody>
            {v.reports.reports.length === 0 && <tr><td colspan={5}>{t('noRows')}</td></tr>}
            {v.reports.reports.map((r) => (
              <tr data-report={r.id}>
                <td><a href={`/usage/reports/${r.id}`}>{r.id}</a></td>
                <td><Time c={c} at={r.createdAt} precision="second" /></td>
                <td>{kindLabel(c, r)}</td>
                <td>{sourceLabel(c, r)}</td>
                <td><ResultLine c={c} r={r} /></td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
      <Pager c={c} page={v.reports.page} pageSize={v.reports.pageSize} total={v.reports.total} href={(p) => `/usage?page=${p}`} />
    </Layout>
  );
}
