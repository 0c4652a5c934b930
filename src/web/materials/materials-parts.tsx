/** @jsxImportSource hono/jsx */
import type { WebContext } from '../context.js';
import { CsrfField, Layout } from '../layout.js';
import { MATERIAL_PAGES } from './material-pages.js';

export function MaterialsAreaNav({ c }: { c: WebContext }) {
  const t = c.get('t');
  const here = c.req.path;
  return (
    <nav aria-label={t('materialsAreaNav')} class="links area-nav">
      {MATERIAL_PAGES.map((p) => (
        <a href={p.href} aria-current={here === p.href ? 'page' : undefined}>{t(p.label)}</a>
      ))}
    </nav>
  );
}

/** The group's landing page: each page with a line on what it is for. */
export function MaterialsPage({ c }: { c: WebContext }) {
  const t = c.get('t');
  return (
    <Layout c={c} title={t('materialsNav')}>
      <p>{t('materialsIntro')}</p>
      <ul class="plain" id="material-pages">
        {MATERIAL_PAGES.map((p) => (
          <li>
            <a href={p.href}>{t(p.label)}</a>: {t(p.help)}
          </li>
        ))}
      </ul>
    </Layout>
  );
}

/** Asks before a soft delete: the button posts, "keep it" goes back. Works without script. */
export function ConfirmDeletePage(props: { c: WebContext; title: string; text: string; action: string; confirm: string; back: string; keep: string }) {
  const { c } = props;
  return (
    <Layout c={c} title={props.title}>
      <form method="post" action={props.action} class="card narrow" id="confirm-delete">
        <CsrfField token={c.get('session').csrfToken} />
        <p>{props.text}</p>
        <span class="actions">
          <button type="submit" class="danger">{props.confirm}</button>
          <a href={props.back}>{props.keep}</a>
        </span>
      </form>
    </Layout>
  );
}

/** A notice after a redirect, and a refusal beside the form. */
export function Messages({ notice, error, errorId }: { notice?: string; error?: string; errorId?: string }) {
  return (
    <>
      {notice && <p class="notice" role="status">{notice}</p>}
      {error && <p class="error" role="alert" id={errorId}>{error}</p>}
    </>
  );
}
