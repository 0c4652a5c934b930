/** @jsxImportSource hono/jsx */
import { Hono } from 'hono';
import { AppError } from '../../domain/errors.js';
import { createModel, deleteModel, listModels } from '../../domain/models/index.js';
import type { ApiDeps } from '../../http/deps.js';
import { newModelInput } from '../../http/schemas/models.js';
import { modelId } from '../../llm/models/model-config.js';
import type { WebContext, WebEnv } from '../context.js';
import { formIssues, formText, numberField } from '../form-fields.js';
import { page } from '../layout.js';
import { MODEL_FORM_FIELDS, ModelsPage, type ModelsView } from './models-page.js';

/** A refused form's problems, each after its field's name (the registry's fields share messages such as "must be >= 0"). */
const fieldIssues = (error: { issues: { path: PropertyKey[]; message: string }[] }) =>
  error.issues.map((i) => (i.path.length > 0 ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ');

const NUMBERS = new Set(['promptPricePerMillion', 'completionPricePerMillion', 'maxConcurrency', 'timeoutMs']);

/** The model registry page for operator keys (the operator guard stands in front): list, add, remove. */
export function modelRoutes(deps: ApiDeps) {
  const { db } = deps;
  const o = { sealer: deps.codec, defaultTimeoutMs: deps.modelTimeoutMs ?? 120_000 };
  const show = async (c: WebContext, extra: Omit<ModelsView, 'models'> = {}, status: 200 | 400 | 409 = 200) =>
    page(c, <ModelsPage c={c} v={{ models: await listModels(db), ...extra }} />, status);

  return new Hono<WebEnv>()
    .get('/', (c) => {
      const t = c.get('t');
      const added = c.req.query('added');
      const removed = c.req.query('removed');
      return show(c, added ? { notice: t('modelAdded', { id: added }) } : removed ? { notice: t('modelRemoved', { id: removed }) } : {});
    })
    .post('/', async (c) => {
      const body = await c.req.parseBody();
      const input = Object.fromEntries(MODEL_FORM_FIELDS.map((f) => [f, formText(body[f])]));
      const apiKey = formText(body.apiKey);
      const candidate = Object.fromEntries(
        Object.entries(input)
          .filter(([, v]) => v !== '')
          .map(([k, v]) => [k, NUMBERS.has(k) ? numberField(v) : v]),
      );
      const parsed = newModelInput.safeParse({ ...candidate, ...(apiKey ? { apiKey } : {}), streaming: body.streaming === 'on' });
      const typed = { ...input, streaming: body.streaming === 'on' ? 'on' : '' };
      if (!parsed.success) return show(c, { error: fieldIssues(parsed.error), input: typed }, 400);
      try {
        await createModel(db, parsed.data, o);
      } catch (err) {
        if (err instanceof AppError && err.status === 409) return show(c, { error: err.message, input: typed }, 409);
        throw err;
      }
      return c.redirect(`/models?added=${encodeURIComponent(parsed.data.id)}`, 303);
    })
    .post('/:modelId/delete', async (c) => {
      const id = modelId.safeParse(c.req.param('modelId'));
      if (!id.success) return show(c, { error: formIssues(c, id.error) }, 400);
      try {
        await deleteModel(db, id.data);
      } catch (err) {
        if (err instanceof AppError && err.status === 409) return show(c, { error: err.message }, 409);
        throw err;
      }
      return c.redirect(`/models?removed=${encodeURIComponent(id.data)}`, 303);
    });
}
