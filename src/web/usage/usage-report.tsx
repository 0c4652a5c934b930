/** @jsxImportSource hono/jsx */
import type { RepairChange } from '../../domain/usage/repair-change.js';
import type { StoredUsageReport } from '../../domain/usage/usage-reports.js';
import type { Discrepancy } from '../../domain/usage/verification.js';
import { canWrite, type WebContext } from '../context.js';
import { CsrfField, Layout } from '../layout.js';
import { ChangesTable, DistillationFindings, TaskFindings, type Keywords } from './usage-findings.js';
import { kindLabel, ResultLine, sourceLabel } from './usage.js';
import { pageTime } from '../time.js';

export interface UsageReportView {
  report: StoredUsageReport;
  keywords: Keywords;
  /** For a dry run with changes: the fingerprint its apply must carry. */
  fingerprint?: string;
  notice?: string;
}

/** Step two of the repair: apply exactly the dry run's changes, by their fingerprint. */
function ApplyForm({ c, v, n }: { c: WebContext; v: UsageReportView; n: number }) {
  const t = c.get('t');
  if (!v.fingerprint || !canWrite(c)) return null;
  return (
    <form method="post" action="/usage/repair/apply" class="card">
      <CsrfField token={c.get('session').csrfToken} />
      <input type="hidden" name="fingerprint" value={v.fingerprint} />
      <p class="help">{t('usageApplyHelp')}</p>
      <p class="help">{`${t('usageFingerprint')}${t('colon')}`}<span class="fingerprint" id="fingerprint">{v.fingerprint}</span></p>
      <button type="submit" id="apply" class="danger">{t('usageApply', { n })}</button>
    </form>
  );
}

/** One stored verification or repair: its findings per distillation and per task, and a repair's changes. */
export function UsageReportPage({ c, v }: { c: WebContext; v: UsageReportView }) {
  const t = c.get('t');
  const r = v.report;
  const found = r.discrepancies as Discrepancy[];
  const changes = r.changes as RepairChange[];
  return (
    <Layout c={c} title={`${t('usageReport', { id: r.id })}${t('colon')}${kindLabel(c, r)}`}>
      {v.notice && <p class="notice" role="status">{v.notice}</p>}
      <p class="help">{`${pageTime(c, r.createdAt, 'second')} · ${sourceLabel(c, r)}`}</p>
      <p id="usage-result"><ResultLine c={c} r={r} /></p>
      <DistillationFindings c={c} found={found} keywords={v.keywords} />
      <TaskFindings c={c} found={found} keywords={v.keywords} />
      {r.kind === 'repair' && (
        <>
          <h2>{t('usageChanges')}</h2>
          {changes.length === 0 ? <p id="no-changes">{t('usageNothingToRepair')}</p> : <ChangesTable c={c} changes={changes} keywords={v.keywords} />}
          <ApplyForm c={c} v={v} n={changes.length} />
        </>
      )}
      <p><a href="/usage">{t('back')}</a></p>
    </Layout>
  );
}
