/** @jsxImportSource hono/jsx */
import type { ChunkMatch, getKnowledgeDocument, listKnowledgeDocuments } from '../../domain/knowledge/index.js';
import { canWrite, type WebContext } from '../context.js';
import { CsrfField, Layout } from '../layout.js';
import { TableScroll } from '../table-scroll.js';
import { Time } from '../time.js';

const TYPE_NAMES: Record<string, string> = {
  'text/markdown': 'Markdown',
  'text/plain': 'Text',
  'text/html': 'HTML',
  'application/pdf': 'PDF',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'DOCX',
};
export const sizeText = (bytes: number) => (bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : bytes >= 1024 ? `${Math.round(bytes / 1024)} KB` : `${bytes} B`);

export interface BasesView {
  bases: { id: number; name: string; createdAt: Date }[];
  notice?: string;
  error?: string;
  name?: string;
}

export function KnowledgeBasesPage({ c, v }: { c: WebContext; v: BasesView }) {
  const t = c.get('t');
  return (
    <Layout c={c} title={t('knowledgeTitle')}>
      <p class="help">{t('knowledgeHelp')}</p>
      {v.notice && <p class="notice" role="status">{v.notice}</p>}
      <TableScroll label={t('knowledgeTitle')}>
        <table id="knowledge-bases">
          <thead><tr><th scope="col">{t('knowledgeName')}</th><th scope="col">{t('created')}</th></tr></thead>
          <tbody>
            {v.bases.length === 0 && <tr><td colspan={2}>{t('noRows')}</td></tr>}
            {v.bases.map((b) => (
              <tr data-knowledge-base-id={b.id}><td><a href={`/knowledge-bases/${b.id}`}>{b.name}</a></td><td><Time c={c} at={b.createdAt} /></td></tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
      {canWrite(c) && (
        <form method="post" action="/knowledge-bases" class="card narrow" id="new-knowledge-base" aria-labelledby="new-kb-title">
          <h2 id="new-kb-title">{t('knowledgeNew')}</h2>
          <CsrfField token={c.get('session').csrfToken} />
          {v.error && <p class="error" role="alert">{v.error}</p>}
          <label for="kb-name">{t('knowledgeName')}</label>
          <input id="kb-name" name="name" required maxlength={200} value={v.name ?? ''} autocomplete="off" />
          <button type="submit">{t('knowledgeCreate')}</button>
        </form>
      )}
    </Layout>
  );
}

export interface BaseView {
  base: { id: number; name: string };
  documents: Awaited<ReturnType<typeof listKnowledgeDocuments>>;
  maxFileBytes: number;
  q: string;
  hits?: ChunkMatch[];
  notice?: string;
  error?: string;
}

function UploadForm({ c, v }: { c: WebContext; v: BaseView }) {
  const t = c.get('t');
  return (
    <form method="post" action={`/knowledge-bases/${v.base.id}/documents`} enctype="multipart/form-data" class="card narrow" id="upload-document" aria-labelledby="upload-title">
      <h2 id="upload-title">{t('knowledgeUpload')}</h2>
      <CsrfField token={c.get('session').csrfToken} />
      {v.error && <p class="error" role="alert" id="upload-error">{v.error}</p>}
      <label for="kb-file">{t('knowledgeFile')}</label>
      <input id="kb-file" name="file" type="file" required aria-describedby="kb-file-help" />
      <p id="kb-file-help" class="help">{t('knowledgeFileHelp', { max: sizeText(v.maxFileBytes) })}</p>
      <label for="kb-doc-title">{t('knowledgeDocTitle')}</label>
      <input id="kb-doc-title" name="title" maxlength={500} autocomplete="off" />
      <button type="submit">{t('knowledgeUploadButton')}</button>
    </form>
  );
}

function SearchBox({ c, v }: { c: WebContext; v: BaseView }) {
  const t = c.get('t');
  return (
    <section class="card" aria-labelledby="kb-search-title">
      <h2 id="kb-search-title">{t('knowledgeSearch')}</h2>
      <form method="get" action={`/knowledge-bases/${v.base.id}`} role="search" id="knowledge-search">
        <label for="kb-q">{t('knowledgeSearchLabel')}</label>
        <input id="kb-q" name="q" type="search" maxlength={1000} value={v.q} aria-describedby="kb-q-help" />
        <p id="kb-q-help" class="help">{t('knowledgeSearchHelp')}</p>
        <button type="submit">{t('knowledgeSearchButton')}</button>
      </form>
      {v.hits && v.hits.length === 0 && <p role="status">{t('knowledgeNoMatch')}</p>}
      {v.hits && v.hits.length > 0 && (
        <ol id="knowledge-hits">
          {v.hits.map((h) => (
            <li data-chunk-id={h.chunkId}>
              <p><strong>{h.documentTitle}</strong>{h.heading && <> › {h.heading}</>} <span class="help">{t('knowledgeScore', { score: h.score.toFixed(3) })}</span></p>
              <blockquote>{h.text}</blockquote>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

export function KnowledgeBasePage({ c, v }: { c: WebContext; v: BaseView }) {
  const t = c.get('t');
  return (
    <Layout c={c} title={t('knowledgeBaseTitle', { name: v.base.name })}>
      <p><a href="/knowledge-bases">{t('knowledgeAll')}</a></p>
      {v.notice && <p class="notice" role="status">{v.notice}</p>}
      <h2>{t('knowledgeDocuments')}</h2>
      <TableScroll label={t('knowledgeDocuments')}>
        <table id="knowledge-documents">
          <thead>
            <tr><th scope="col">{t('knowledgeDocTitle').replace(/[（(].*$/, '').trim()}</th><th scope="col">{t('knowledgeType')}</th><th scope="col">{t('knowledgeSize')}</th><th scope="col">{t('knowledgeChunks')}</th><th scope="col">{t('created')}</th><th scope="col"></th></tr>
          </thead>
          <tbody>
            {v.documents.length === 0 && <tr><td colspan={6}>{t('noRows')}</td></tr>}
            {v.documents.map((d) => (
              <tr data-document-id={d.id}>
                <td><a href={`/knowledge-bases/${v.base.id}/documents/${d.id}`} aria-label={`${t('knowledgeView')}: ${d.title}`}>{d.title}</a></td>
                <td>{TYPE_NAMES[d.mediaType] ?? d.mediaType}</td>
                <td>{sizeText(d.bytes)}</td>
                <td>{d.chunkCount}</td>
                <td><Time c={c} at={d.createdAt} /></td>
                <td>{canWrite(c) && <a class="danger-link" href={`/knowledge-bases/${v.base.id}/documents/${d.id}/delete`} aria-label={`${t('knowledgeDelete')} ${d.title}`}>{t('knowledgeDelete')}</a>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
      {canWrite(c) && <UploadForm c={c} v={v} />}
      <SearchBox c={c} v={v} />
    </Layout>
  );
}

type DocumentDetail = Awaited<ReturnType<typeof getKnowledgeDocument>>;

export function KnowledgeDocumentPage({ c, baseId, doc }: { c: WebContext; baseId: number; doc: DocumentDetail }) {
  const t = c.get('t');
  return (
    <Layout c={c} title={doc.title}>
      <p><a href={`/knowledge-bases/${baseId}`}>{t('knowledgeBack')}</a></p>
      <dl class="facts">
        <dt>{t('knowledgeType')}</dt><dd>{TYPE_NAMES[doc.mediaType] ?? doc.mediaType}</dd>
        <dt>{t('knowledgeSize')}</dt><dd>{sizeText(doc.bytes)}</dd>
        <dt>{t('knowledgeChunks')}</dt><dd>{doc.chunkCount}</dd>
      </dl>
      <ol id="knowledge-chunks">
        {doc.chunks.map((ch) => (
          <li data-chunk-id={ch.id}>
            {ch.heading && <p><strong>{ch.heading}</strong></p>}
            <blockquote>{ch.text}</blockquote>
            <p class="help">{t('knowledgeTokens')}: {ch.tokens}</p>
          </li>
        ))}
      </ol>
    </Layout>
  );
}

export function DeleteDocumentPage({ c, baseId, doc }: { c: WebContext; baseId: number; doc: { id: number; title: string } }) {
  const t = c.get('t');
  return (
    <Layout c={c} title={t('knowledgeDeleteTitle', { title: doc.title })}>
      <form method="post" action={`/knowledge-bases/${baseId}/documents/${doc.id}/delete`} class="card narrow" id="delete-document">
        <CsrfField token={c.get('session').csrfToken} />
        <p>{t('knowledgeDeleteText')}</p>
        <span class="actions">
          <button type="submit" class="danger">{t('knowledgeDeleteConfirm')}</button>
          <a href={`/knowledge-bases/${baseId}`}>{t('knowledgeKeep')}</a>
        </span>
      </form>
    </Layout>
  );
}
