/** @jsxImportSource hono/jsx */
import { Hono } from 'hono';
import { z } from 'zod';
import type { Db } from '../../db/client.js';
import { listDistillations } from '../../domain/distillations/distillations.js';
import { AppError } from '../../domain/errors.js';
import {
  copyTemplate,
  createTemplate,
  getTemplate,
  listTemplateRevisions,
  listTemplates,
  previewTemplate,
  type PreviewRetrieval,
  previewTemplateText,
  reviseTemplate,
  setDefaultTemplate,
} from '../../domain/templates/index.js';
import type { TemplateProblem } from '../../llm/index.js';
import { parseIdParam } from '../../http/validation.js';
import type { WebContext, WebEnv } from '../context.js';
import { formText, formTextAsTyped } from '../form-fields.js';
import { page } from '../layout.js';
import { assertCanWrite } from '../write-guard.js';
import { NewTemplatePage, TemplateDetailPage, TemplatesPage, type TemplateDetailView, type TemplateFormView } from './template-pages.js';
import { refusalText } from '../refusal-text.js';

/** The lists show up to this many of each (the API's largest page). */
const LIST_SIZE = 100;
const NOTICES = { copied: 'templateCopied', default: 'templateDefaultSet' } as const;
const doneQuery = z.enum(['copied', 'default', 'saved']).optional().catch(undefined);
const idQuery = z.coerce.number().int().positive().max(2_147_483_647).optional().catch(undefined);

const readForm = (body: Record<string, unknown>) => ({ name: formText(body.name), system: formTextAsTyped(body.system), user: formTextAsTyped(body.user) });
const problemsOf = (err: unknown) => (err instanceof AppError && err.code === 'INVALID_TEMPLATE' ? ((err.details as { problems: TemplateProblem[] }).problems) : null);

/** The console's template pages: the account's templates and the presets, an editor with a preview, revisions. */
export function templateRoutes(db: Db, retrieval: PreviewRetrieval) {
  async function detail(c: WebContext, id: number, extra: Partial<TemplateDetailView> = {}, status: 200 | 400 = 200) {
    const accountId = c.get('session').accountId;
    const [template, revisions, distillations] = await Promise.all([
      getTemplate(db, accountId, id),
      listTemplateRevisions(db, accountId, id),
      listDistillations(db, accountId, 1, LIST_SIZE),
    ]);
    const choices = distillations.items.filter((d) => d.topicCount > 0).map((d) => ({ id: d.id, keyword: d.keyword }));
    return page(c, <TemplateDetailPage c={c} v={{ template, revisions: revisions.items, distillations: choices, ...extra }} />, status);
  }

  return new Hono<WebEnv>()
    .get('/', async (c) => {
      const accountId = c.get('session').accountId;
      const [own, presets] = await Promise.all([
        listTemplates(db, accountId, { page: 1, pageSize: LIST_SIZE, preset: false }),
        listTemplates(db, accountId, { page: 1, pageSize: LIST_SIZE, preset: true }),
      ]);
      return page(c, <TemplatesPage c={c} own={own.items} presets={presets.items} />);
    })
    .get('/new', (c) => {
      assertCanWrite(c);
      return page(c, <NewTemplatePage c={c} v={{ name: '', system: '', user: '{{topics}}\n\n{{knowledge}}\n\n{{company}}\n\n{{image}}' }} />);
    })
    .post('/', async (c) => {
      const input = readForm(await c.req.parseBody());
      try {
        const created = await createTemplate(db, c.get('session').accountId, input);
        c.set('auditTargets', { templateId: created.id });
        return c.redirect(`/templates/${created.id}?done=saved`, 303);
      } catch (err) {
        const problems = problemsOf(err);
        if (!problems && !(err instanceof AppError && err.status === 400)) throw err;
        const v: TemplateFormView = { ...input, ...(problems ? { problems } : { formError: refusalText(c, err as AppError) }) };
        return page(c, <NewTemplatePage c={c} v={v} />, 400);
      }
    })
    .get('/:id', async (c) => {
      const id = parseIdParam(c);
      const distillationId = idQuery.parse(c.req.query('distillationId'));
      const done = doneQuery.parse(c.req.query('done'));
      const t = c.get('t');
      const extra: Partial<TemplateDetailView> = {};
      if (done === 'saved') extra.notice = t('templateSaved', { n: (await getTemplate(db, c.get('session').accountId, id)).revision });
      else if (done) extra.notice = t(NOTICES[done]);
      if (distillationId !== undefined) {
        extra.distillationId = distillationId;
        extra.preview = (await previewTemplate(db, c.get('session').accountId, id, { distillationId, retrieval })).messages;
      }
      return detail(c, id, extra);
    })
    .post('/:id', async (c) => {
      const id = parseIdParam(c);
      const input = readForm(await c.req.parseBody());
      try {
        await reviseTemplate(db, c.get('session').accountId, id, input);
        c.set('auditTargets', { templateId: id });
        return c.redirect(`/templates/${id}?done=saved`, 303);
      } catch (err) {
        const problems = problemsOf(err);
        if (!problems) throw err;
        return detail(c, id, { form: { id, ...input, problems } }, 400);
      }
    })
    .post('/:id/preview', async (c) => {
      const id = parseIdParam(c);
      const body = await c.req.parseBody();
      const input = readForm(body);
      const accountId = c.get('session').accountId;
      const chosen = idQuery.parse(body.distillationId) ?? (await listDistillations(db, accountId, 1, LIST_SIZE)).items.find((d) => d.topicCount > 0)?.id;
      if (chosen === undefined) return detail(c, id, { form: { id, ...input } });
      const { problems, messages } = await previewTemplateText(db, accountId, input, { distillationId: chosen, retrieval });
      if (!messages) return detail(c, id, { form: { id, ...input, problems } }, 400);
      return detail(c, id, { form: { id, ...input }, distillationId: chosen, preview: messages });
    })
    .post('/:id/copy', async (c) => {
      const copy = await copyTemplate(db, c.get('session').accountId, parseIdParam(c));
      c.set('auditTargets', { templateId: copy.id });
      return c.redirect(`/templates/${copy.id}?done=copied`, 303);
    })
    .post('/:id/default', async (c) => {
      const id = parseIdParam(c);
      await setDefaultTemplate(db, c.get('session').accountId, id);
      return c.redirect(`/templates/${id}?done=default`, 303);
    });
}
