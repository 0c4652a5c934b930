/** @jsxImportSource hono/jsx */
import { Hono } from 'hono';
import { refusalText } from '../refusal-text.js';
import { AppError } from '../../domain/errors.js';
import { createKnowledgeBase, listResources } from '../../domain/ingredients/index.js';
import {
  deleteKnowledgeDocument,
  FileRefused,
  getKnowledgeDocument,
  listKnowledgeDocuments,
  requireLiveBase,
  searchKnowledge,
} from '../../domain/knowledge/index.js';
import type { RouteDeps } from '../../http/deps.js';
import { addUploadedDocument } from '../../services/knowledge-document-add.js';
import { parseUpload } from '../../http/knowledge-upload.js';
import { parseIdParam } from '../../http/validation.js';
import type { WebContext, WebEnv } from '../context.js';
import { formText } from '../form-fields.js';
import { page } from '../layout.js';
import { assertCanWrite } from '../write-guard.js';
import { DeleteDocumentPage, KnowledgeBasePage, KnowledgeBasesPage, KnowledgeDocumentPage, type BasesView, type BaseView } from './knowledge-pages.js';

const SEARCH_LIMIT = 10;

/**
 * Knowledge bases in the console: create one, upload files (parsed off the event loop as through the
 * API), see documents and their chunks, delete a document, and the search box that shows what an
 * article would be given. The same domain functions as the API's routes.
 */
export function knowledgeRoutes(deps: RouteDeps) {
  const { db } = deps;

  async function basesPage(c: WebContext, extra: Partial<BasesView> = {}, status: 200 | 400 = 200) {
    const list = await listResources(db, 'knowledgeBase', c.get('session').accountId, { page: 1, pageSize: 100 });
    const bases = (list.items as { id: number; name: string; createdAt: Date }[]).map(({ id, name, createdAt }) => ({ id, name, createdAt }));
    return page(c, <KnowledgeBasesPage c={c} v={{ bases, ...extra }} />, status);
  }

  async function basePage(c: WebContext, id: number, extra: Partial<BaseView> = {}, status: 200 | 400 = 200) {
    const accountId = c.get('session').accountId;
    const base = await requireLiveBase(db, accountId, id);
    const q = (c.req.query('q') ?? '').trim().slice(0, 1000);
    const hits = q ? await searchKnowledge(db, deps.embeddings, { accountId, knowledgeBaseId: id, query: q, limit: SEARCH_LIMIT }) : undefined;
    const documents = await listKnowledgeDocuments(db, accountId, id);
    return page(c, <KnowledgeBasePage c={c} v={{ base, documents, maxFileBytes: deps.knowledge.maxFileBytes, q, hits, ...extra }} />, status);
  }

  return new Hono<WebEnv>()
    .get('/', (c) => basesPage(c, { notice: c.req.query('created') ? c.get('t')('knowledgeCreated') : undefined }))
    .post('/', async (c) => {
      const name = formText((await c.req.parseBody()).name);
      if (!name || name.length > 200) return basesPage(c, { error: c.get('t')('knowledgeNameRequired'), name }, 400);
      const kb = await createKnowledgeBase(db, c.get('session').accountId, { name, documents: [] });
      c.set('auditTargets', { id: kb.id });
      return c.redirect(`/knowledge-bases/${kb.id}?created=1`, 303);
    })
    .get('/:id', (c) => {
      const t = c.get('t');
      const notice = c.req.query('created') ? t('knowledgeCreated') : c.req.query('deleted') ? t('knowledgeDeleted') : c.req.query('added') ? t('knowledgeUploaded', { title: c.req.query('title') ?? '', n: c.req.query('added') ?? '' }) : undefined;
      return basePage(c, parseIdParam(c), { notice });
    })
    .post('/:id/documents', async (c) => {
      const id = parseIdParam(c);
      const accountId = c.get('session').accountId;
      await requireLiveBase(db, accountId, id);
      try {
        const upload = await parseUpload(c, deps.knowledge.maxFileBytes);
        const doc = await addUploadedDocument(deps, accountId, id, upload);
        c.set('auditTargets', { id: doc.id });
        return c.redirect(`/knowledge-bases/${id}?added=${doc.chunkCount}&title=${encodeURIComponent(doc.title)}`, 303);
      } catch (err) {
        const refusal = err instanceof FileRefused ? err.refusal : err instanceof AppError && (err.status === 400 || err.status === 413) ? err : null;
        if (!refusal) throw err;
        return basePage(c, id, { error: c.get('t')('knowledgeRefused', { message: refusalText(c, refusal) }) }, 400);
      }
    })
    .get('/:id/documents/:documentId', async (c) => {
      const id = parseIdParam(c);
      const doc = await getKnowledgeDocument(db, c.get('session').accountId, id, parseIdParam(c, 'documentId'));
      return page(c, <KnowledgeDocumentPage c={c} baseId={id} doc={doc} />);
    })
    .get('/:id/documents/:documentId/delete', async (c) => {
      assertCanWrite(c);
      const id = parseIdParam(c);
      const doc = await getKnowledgeDocument(db, c.get('session').accountId, id, parseIdParam(c, 'documentId'));
      return page(c, <DeleteDocumentPage c={c} baseId={id} doc={doc} />);
    })
    .post('/:id/documents/:documentId/delete', async (c) => {
      const id = parseIdParam(c);
      await deleteKnowledgeDocument(db, c.get('session').accountId, id, parseIdParam(c, 'documentId'));
      return c.redirect(`/knowledge-bases/${id}?deleted=1`, 303);
    });
}
