/** @jsxImportSource hono/jsx */
import { Hono } from 'hono';
import { checkDistillation, parseDistillationFile } from '../../domain/distillations/distillation-file.js';
import type { Db } from '../../db/client.js';
import { DISTILLATION_LIMITS, topicsInput } from '../../domain/distillations/distillation-input.js';
import { parseIdParam } from '../../http/validation.js';
import { createDistillations, deleteDistillation, getDistillation, listDistillations, replaceTopics } from '../../domain/distillations/distillations.js';
import type { WebContext, WebEnv } from '../context.js';
import { page } from '../layout.js';
import { DistillationDeletePage, DistillationEditPage } from './distillation-edit.js';
import { DistillationsPage, type DistillationsView } from './distillations.js';
import { importProblem } from './import-problems.js';
import { formTextAsTyped as text, formIssues } from '../form-fields.js';

const PAGE_SIZE = 20;
/** The API's import limit, kept for the console too. */
const IMPORT_MAX = DISTILLATION_LIMITS.importMax;

/** What the list says after a change, by the query parameter the change redirected with. */
const NOTICES = { added: 'added', imported: 'imported', updated: 'topicsUpdated', deleted: 'distillationDeleted' } as const;


export function distillationRoutes(db: Db) {
  async function render(c: WebContext, extra: Partial<DistillationsView> = {}, status: 200 | 400 = 200) {
    const search = (c.req.query('q') ?? '').trim().slice(0, 200);
    const pageNo = Math.max(1, Math.min(1_000_000, Number.parseInt(c.req.query('page') ?? '1', 10) || 1));
    const accountId = c.get('session').accountId;
    const list = await listDistillations(db, accountId, pageNo, PAGE_SIZE, search || undefined);
    return page(c, <DistillationsPage c={c} v={{ list, search, ...extra }} />, status);
  }

  return new Hono<WebEnv>()
    .get('/', (c) => {
      const found = Object.entries(NOTICES).find(([param]) => c.req.query(param));
      const value = found ? c.req.query(found[0])! : '';
      const notice = found ? c.get('t')(found[1], { id: value, n: value }) : undefined;
      return render(c, { notice });
    })
    .post('/', async (c) => {
      const body = await c.req.parseBody();
      const input = { keyword: text(body.keyword), topics: text(body.topics) };
      const topics = input.topics.split(/\r?\n/).map((s) => s.trim()).filter((s) => s !== '');
      const { distillation, errors } = checkDistillation(input.keyword, topics);
      if (!distillation) return render(c, { addErrors: errors, addInput: input }, 400);
      const [id] = await createDistillations(db, c.get('session').accountId, [distillation]);
      c.set('auditTargets', { id: id! });
      return c.redirect(`/distillations?added=${id}`, 303);
    })
    .post('/import', async (c) => {
      const t = c.get('t');
      const body = await c.req.parseBody();
      const file = body.file instanceof File && body.file.size > 0 ? body.file : null;
      const content = file ? await file.text() : text(body.text);
      const importText = file ? undefined : content;
      if (content.trim() === '') return render(c, { importError: t('importEmpty') }, 400);
      const parsed = parseDistillationFile(file?.name ?? '', content);
      if (parsed.problem) return render(c, { importError: importProblem(t, parsed.problem), importText }, 400);
      if (parsed.bad.length > 0) return render(c, { importBadRows: parsed.bad, importText }, 400);
      if (parsed.good.length === 0) return render(c, { importError: t('importEmpty') }, 400);
      if (parsed.good.length > IMPORT_MAX) return render(c, { importError: t('importTooMany', { n: parsed.good.length, max: IMPORT_MAX }), importText }, 400);
      const ids = await createDistillations(db, c.get('session').accountId, parsed.good.map((g) => g.distillation));
      c.set('auditTargets', { ids });
      return c.redirect(`/distillations?imported=${ids.length}`, 303);
    })
    .get('/:id/edit', async (c) => page(c, <DistillationEditPage c={c} d={await getDistillation(db, c.get('session').accountId, parseIdParam(c))} />))
    .post('/:id/topics', async (c) => {
      const id = parseIdParam(c);
      const accountId = c.get('session').accountId;
      const topics = text((await c.req.parseBody()).topics);
      // One topic per line, blank lines dropped; then the API's own rules (length, count).
      const parsed = topicsInput.safeParse({ topics: topics.split(/\r?\n/).filter((line) => line.trim() !== '') });
      if (!parsed.success) {
        const error = formIssues(c, parsed.error);
        return page(c, <DistillationEditPage c={c} d={await getDistillation(db, accountId, id)} error={error} topics={topics} />, 400);
      }
      await replaceTopics(db, accountId, id, parsed.data.topics);
      return c.redirect(`/distillations?updated=${id}`, 303);
    })
    .get('/:id/delete', async (c) => page(c, <DistillationDeletePage c={c} d={await getDistillation(db, c.get('session').accountId, parseIdParam(c))} />))
    .post('/:id/delete', async (c) => {
      const id = parseIdParam(c);
      await deleteDistillation(db, c.get('session').accountId, id);
      return c.redirect(`/distillations?deleted=${id}`, 303);
    });
}
