/** @jsxImportSource hono/jsx */
import type { Article } from '../../domain/articles/index.js';
import type { WebContext } from '../context.js';
import { CsrfField, Layout } from '../layout.js';

export interface EditView {
  article: Article;
  /** What the user sent when it was refused, shown again with the error. */
  input?: { title: string; content: string };
  error?: string;
}

/** Title and Markdown of one article; saving goes through editArticle, which keeps the old text as a revision. */
export function ArticleEditPage({ c, v }: { c: WebContext; v: EditView }) {
  const t = c.get('t');
  const a = v.article;
  const title = v.input?.title ?? a.title;
  const content = v.input?.content ?? a.content;
  return (
    <Layout c={c} title={t('articleEditTitle', { title: a.title })}>
      <form method="post" action={`/articles/${a.id}/edit`} id="edit-form" class="wide">
        <CsrfField token={c.get('session').csrfToken} />
        <label for="edit-title">{t('title')}</label>
        <input id="edit-title" name="title" required maxlength={500} value={title} />
        <label for="edit-content">{t('articleContent')}</label>
        {/* The HTML parser drops one newline right after <textarea>: this one, so text starting with a newline survives. */}
        <textarea id="edit-content" name="content" rows={20} required>{`\n${content}`}</textarea>
        {v.error && <p class="error" role="alert">{v.error}</p>}
        <button type="submit">{t('articleSave')}</button>
        <a href={`/articles/${a.id}`} class="cancel-link">{t('back')}</a>
      </form>
    </Layout>
  );
}

/** The confirmation step of a soft delete: what it does, then one button that does it. */
export function ArticleDeletePage({ c, article }: { c: WebContext; article: Article }) {
  const t = c.get('t');
  return (
    <Layout c={c} title={t('articleDeleteTitle', { title: article.title })}>
      <p>{t('articleDeleteText')}</p>
      <form method="post" action={`/articles/${article.id}/delete`} class="inline" id="delete-form">
        <CsrfField token={c.get('session').csrfToken} />
        <button type="submit" class="danger">{t('articleDeleteConfirm')}</button>
        <a href={`/articles/${article.id}`}>{t('articleDeleteKeep')}</a>
      </form>
    </Layout>
  );
}
