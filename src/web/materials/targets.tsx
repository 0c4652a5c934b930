/** @jsxImportSource hono/jsx */
import { canWrite, type WebContext } from '../context.js';
import { CsrfField, Layout } from '../layout.js';
import { Pager } from '../pager.js';
import { TableScroll } from '../table-scroll.js';
import { MaterialsAreaNav, Messages } from './materials-parts.js';

export interface TargetRow {
  id: number;
  companyName: string;
  industry: string | null;
  website: string | null;
  address: string | null;
}

/** The form as typed, so a refused form comes back as it was sent. */
export interface TargetFormInput {
  companyName: string;
  industry: string;
  website: string;
  address: string;
}

export interface TargetsView {
  targets: TargetRow[];
  page: number;
  pageSize: number;
  total: number;
  notice?: string;
  error?: string;
  input?: TargetFormInput;
}

export const targetFormOf = (row: TargetRow): TargetFormInput => ({
  companyName: row.companyName,
  industry: row.industry ?? '',
  website: row.website ?? '',
  address: row.address ?? '',
});

/** The four fields, for the new form and the edit form alike. */
function TargetFields({ c, input, prefix }: { c: WebContext; input: TargetFormInput; prefix: string }) {
  const t = c.get('t');
  return (
    <>
      <label for={`${prefix}-company`}>{t('targetCompany')}</label>
      <input id={`${prefix}-company`} name="companyName" required maxlength={200} value={input.companyName} />
      <label for={`${prefix}-industry`}>{t('targetIndustry')}</label>
      <input id={`${prefix}-industry`} name="industry" maxlength={200} value={input.industry} />
      <label for={`${prefix}-website`}>{t('targetWebsite')}</label>
      <input id={`${prefix}-website`} name="website" type="url" maxlength={2048} value={input.website} aria-describedby={`${prefix}-website-help`} autocomplete="off" spellcheck={false} />
      <p id={`${prefix}-website-help`} class="help">{t('targetWebsiteHelp')}</p>
      <label for={`${prefix}-address`}>{t('targetAddress')}</label>
      <input id={`${prefix}-address`} name="address" maxlength={500} value={input.address} />
    </>
  );
}

function TargetActions({ c, row }: { c: WebContext; row: TargetRow }) {
  if (!canWrite(c)) return null;
  const t = c.get('t');
  return (
    <span class="actions">
      <a href={`/conversion-targets/${row.id}/edit`} aria-label={t('targetEditLabel', { name: row.companyName })}>{t('targetEdit')}</a>
      <a class="danger-link" href={`/conversion-targets/${row.id}/delete`} aria-label={t('targetDeleteLabel', { name: row.companyName })}>{t('targetDelete')}</a>
    </span>
  );
}

export function TargetsPage({ c, v }: { c: WebContext; v: TargetsView }) {
  const t = c.get('t');
  return (
    <Layout c={c} title={t('targetsNav')}>
      <MaterialsAreaNav c={c} />
      <p class="help">{t('targetsHelp')}</p>
      <Messages notice={v.notice} />
      <TableScroll label={t('targetsNav')}>
        <table id="targets">
          <thead>
            <tr>
              <th scope="col">{t('targetCompany')}</th><th scope="col">{t('targetIndustry')}</th><th scope="col">{t('targetWebsite')}</th>
              <th scope="col">{t('targetAddress')}</th><th scope="col"></th>
            </tr>
          </thead>
          <tbody>
            {v.targets.length === 0 && <tr><td colspan={5}>{t('noRows')}</td></tr>}
            {v.targets.map((row) => (
              <tr data-target-id={row.id}>
                <td class="target-company">{row.companyName}</td>
                <td class="target-industry">{row.industry ?? ''}</td>
                <td class="target-website">{row.website && <a href={row.website} rel="noreferrer noopener" target="_blank">{row.website}</a>}</td>
                <td class="target-address">{row.address ?? ''}</td>
                <td><TargetActions c={c} row={row} /></td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
      <Pager c={c} page={v.page} pageSize={v.pageSize} total={v.total} summary="none" href={(p) => `/conversion-targets?page=${p}`} />
      {canWrite(c) && (
        <form method="post" action="/conversion-targets" class="card narrow" id="new-target" aria-labelledby="new-target-title">
          <h2 id="new-target-title">{t('targetNew')}</h2>
          <CsrfField token={c.get('session').csrfToken} />
          <Messages error={v.error} errorId="target-error" />
          <TargetFields c={c} input={v.input ?? { companyName: '', industry: '', website: '', address: '' }} prefix="target" />
          <button type="submit" id="create-target">{t('targetCreate')}</button>
        </form>
      )}
    </Layout>
  );
}

export function TargetEditPage({ c, id, input, error }: { c: WebContext; id: number; input: TargetFormInput; error?: string }) {
  const t = c.get('t');
  return (
    <Layout c={c} title={t('targetEditTitle', { id })}>
      <MaterialsAreaNav c={c} />
      <form method="post" action={`/conversion-targets/${id}/edit`} class="card narrow" id="edit-target">
        <CsrfField token={c.get('session').csrfToken} />
        <Messages error={error} errorId="target-error" />
        <TargetFields c={c} input={input} prefix="edit" />
        <button type="submit" id="save-target">{t('targetSave')}</button>
        <a href="/conversion-targets" class="cancel-link">{t('back')}</a>
      </form>
    </Layout>
  );
}
