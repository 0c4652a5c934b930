/** @jsxImportSource hono/jsx */
import type { ChatMessage, Placeholder, TemplateProblem } from '../../llm/index.js';
import { PLACEHOLDERS } from '../../llm/index.js';
import { canWrite, type WebContext } from '../context.js';
import type { MessageKey } from '../i18n/index.js';
import { CsrfField, Layout } from '../layout.js';
import { TableScroll } from '../table-scroll.js';
import { pageTime } from '../time.js';

/** A preset's name in the page's language ("FAQ (English)", "常见问题（英文）"); an account's own template keeps its name. */
export function templateLabel(c: WebContext, row: { name: string; presetKey: string | null }) {
  const m = row.presetKey ? /^(.+)-(en|zh)$/.exec(row.presetKey) : null;
  if (!m) return row.name;
  const t = c.get('t');
  const kind = `presetKind_${m[1]}` as MessageKey;
  return t('presetName', { kind: t(kind), language: t(`presetLanguage_${m[2] as 'en' | 'zh'}`) });
}

export interface TemplateRow {
  id: number;
  name: string;
  preset: boolean;
  presetKey: string | null;
  revision: number;
  isDefault: boolean;
}

const PLACEHOLDER_HELP: Record<Placeholder, MessageKey> = {
  keyword: 'phKeyword',
  topics: 'phTopics',
  topic_list: 'phTopicList',
  knowledge: 'phKnowledge',
  company: 'phCompany',
  industry: 'phIndustry',
  website: 'phWebsite',
  image: 'phImage',
  language: 'phLanguage',
  word_count: 'phWordCount',
};

function Rows({ c, rows, preset }: { c: WebContext; rows: TemplateRow[]; preset: boolean }) {
  const t = c.get('t');
  return (
    <TableScroll label={preset ? t('presetTemplates') : t('ownTemplates')}>
      <table id={preset ? 'preset-templates' : 'own-templates'}>
        <thead>
          <tr><th scope="col">{t('templateName')}</th><th scope="col">{t('templateRevision')}</th><th scope="col">{t('templateDefault')}</th><th scope="col"></th></tr>
        </thead>
        <tbody>
          {rows.length === 0 && <tr><td colspan={4}>{t('noRows')}</td></tr>}
          {rows.map((r) => (
            <tr data-template-row={r.id}>
              <td><a href={`/templates/${r.id}`}>{templateLabel(c, r)}</a></td>
              <td>{r.revision}</td>
              <td>{r.isDefault ? t('templateIsDefault') : ''}</td>
              <td>
                {preset && canWrite(c) && (
                  <form method="post" action={`/templates/${r.id}/copy`} class="inline">
                    <CsrfField token={c.get('session').csrfToken} />
                    <button type="submit" aria-label={`${t('copyTemplate')} ${templateLabel(c, r)}`}>{t('copyTemplate')}</button>
                  </form>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}

export function TemplatesPage({ c, own, presets, notice }: { c: WebContext; own: TemplateRow[]; presets: TemplateRow[]; notice?: string }) {
  const t = c.get('t');
  return (
    <Layout c={c} title={t('templates')}>
      {notice && <p class="notice" role="status">{notice}</p>}
      {canWrite(c) && <p><a href="/templates/new" id="new-template-link">{t('newTemplate')}</a></p>}
      <h2>{t('ownTemplates')}</h2>
      <Rows c={c} rows={own} preset={false} />
      <h2>{t('presetTemplates')}</h2>
      <p class="help">{t('presetsHelp')}</p>
      <Rows c={c} rows={presets} preset={true} />
    </Layout>
  );
}

export function PlaceholderHelp({ c }: { c: WebContext }) {
  const t = c.get('t');
  return (
    <details class="card" id="placeholder-help">
      <summary>{t('placeholderHelpTitle')}</summary>
      <p class="help">{t('placeholderHelpIntro')}</p>
      <dl>
        {PLACEHOLDERS.map((p) => (
          <>
            <dt><code>{`{{${p}}}`}</code></dt>
            <dd>{t(PLACEHOLDER_HELP[p])}</dd>
          </>
        ))}
      </dl>
    </details>
  );
}

export function PromptMessages({ c, messages, title }: { c: WebContext; messages: ChatMessage[]; title: string }) {
  const t = c.get('t');
  return (
    <section class="card prompt-preview" aria-label={title}>
      <h2>{title}</h2>
      <p class="help">{t('previewNote')}</p>
      {messages.map((m) => (
        <>
          <h3>{t('messageRole', { role: m.role })}</h3>
          <pre class="source">{m.content}</pre>
        </>
      ))}
    </section>
  );
}

export interface TemplateFormView {
  /** Absent: a new template. */
  id?: number;
  name: string;
  system: string;
  user: string;
  problems?: TemplateProblem[];
  formError?: string;
}

/** The editor: name, system and user parts; "preview this text" renders the unsaved text. */
export function TemplateForm({ c, v }: { c: WebContext; v: TemplateFormView }) {
  const t = c.get('t');
  const action = v.id === undefined ? '/templates' : `/templates/${v.id}`;
  const hasProblems = (v.problems?.length ?? 0) > 0;
  return (
    <form method="post" action={action} class="card wide" id="template-form">
      <CsrfField token={c.get('session').csrfToken} />
      {v.formError && <p class="error" role="alert">{v.formError}</p>}
      {hasProblems && (
        <div id="template-problems" class="error" role="alert">
          <p>{t('templateProblems')}</p>
          <ul>{v.problems!.map((p) => <li>{p.message}</li>)}</ul>
        </div>
      )}
      <label for="template-name">{t('templateName')}</label>
      <input id="template-name" name="name" required maxlength={200} value={v.name} />
      <label for="template-system">{t('templateSystem')}</label>
      <textarea id="template-system" name="system" rows={6} aria-describedby="placeholder-help" aria-invalid={v.problems?.some((p) => p.part === 'system') ? 'true' : undefined}>{v.system}</textarea>
      <label for="template-user">{t('templateUser')}</label>
      <textarea id="template-user" name="user" rows={10} required aria-describedby="placeholder-help" aria-invalid={v.problems?.some((p) => p.part === 'user') ? 'true' : undefined}>{v.user}</textarea>
      <span class="actions">
        <button type="submit">{v.id === undefined ? t('createTemplate') : t('saveRevision')}</button>
        {v.id !== undefined && <button type="submit" formaction={`/templates/${v.id}/preview`} id="preview-draft">{t('previewDraft')}</button>}
        <a href="/templates" class="cancel-link">{t('cancelLink')}</a>
      </span>
    </form>
  );
}

export function NewTemplatePage({ c, v }: { c: WebContext; v: TemplateFormView }) {
  return (
    <Layout c={c} title={c.get('t')('newTemplate')}>
      <TemplateForm c={c} v={v} />
      <PlaceholderHelp c={c} />
    </Layout>
  );
}

export interface TemplateDetailView {
  template: TemplateRow & { system: string; user: string };
  form?: TemplateFormView;
  revisions: { revision: number; createdAt: Date }[];
  distillations: { id: number; keyword: string }[];
  distillationId?: number;
  preview?: ChatMessage[];
  notice?: string;
}

function PreviewPicker({ c, v }: { c: WebContext; v: TemplateDetailView }) {
  const t = c.get('t');
  if (v.distillations.length === 0) return <p class="help">{t('previewNoDistillations')}</p>;
  return (
    <form method="get" action={`/templates/${v.template.id}`} class="inline" id="preview-form">
      <label for="preview-distillation">{t('previewAgainst')}</label>
      <select id="preview-distillation" name="distillationId">
        {v.distillations.map((d) => <option value={String(d.id)} selected={d.id === v.distillationId}>{`${d.keyword} (#${d.id})`}</option>)}
      </select>
      <button type="submit">{t('previewButtonLabel')}</button>
    </form>
  );
}

export function TemplateDetailPage({ c, v }: { c: WebContext; v: TemplateDetailView }) {
  const t = c.get('t');
  const tpl = v.template;
  const editable = !tpl.preset && canWrite(c);
  const csrf = c.get('session').csrfToken;
  return (
    <Layout c={c} title={templateLabel(c, tpl)}>
      {v.notice && <p class="notice" role="status">{v.notice}</p>}
      <p class="help">{`${t('templateRevision')}: ${tpl.revision}`}{tpl.isDefault ? ` · ${t('templateIsDefault')}` : ''}</p>
      {tpl.preset && <p class="help">{t('presetsHelp')}</p>}
      {canWrite(c) && (
        <span class="actions">
          {tpl.preset && (
            <form method="post" action={`/templates/${tpl.id}/copy`} class="inline">
              <CsrfField token={csrf} />
              <button type="submit">{t('copyTemplate')}</button>
            </form>
          )}
          {!tpl.isDefault && (
            <form method="post" action={`/templates/${tpl.id}/default`} class="inline">
              <CsrfField token={csrf} />
              <button type="submit">{t('makeDefault')}</button>
            </form>
          )}
        </span>
      )}
      {editable ? (
        <TemplateForm c={c} v={v.form ?? { id: tpl.id, name: tpl.name, system: tpl.system, user: tpl.user }} />
      ) : (
        <section class="card">
          <h2>{t('templateSystem')}</h2>
          <pre class="source" id="template-system-text">{tpl.system}</pre>
          <h2>{t('templateUser')}</h2>
          <pre class="source" id="template-user-text">{tpl.user}</pre>
        </section>
      )}
      <PlaceholderHelp c={c} />
      <section class="card" aria-label={t('previewTitle')}>
        <h2>{t('previewTitle')}</h2>
        <PreviewPicker c={c} v={v} />
      </section>
      {v.preview && <PromptMessages c={c} messages={v.preview} title={t('previewTitle')} />}
      <section class="card">
        <h2>{t('revisionsTitle')}</h2>
        <ul class="plain" id="template-revisions">
          {v.revisions.map((r) => <li>{t('revisionSaved', { n: r.revision, at: pageTime(c, r.createdAt) })}</li>)}
        </ul>
      </section>
    </Layout>
  );
}
