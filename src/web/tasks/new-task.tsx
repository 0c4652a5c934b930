/** @jsxImportSource hono/jsx */
import type { ResourceKind } from '../../domain/ingredients/index.js';
import { MAX_ARTICLES_PER_TASK } from '../../domain/tasks/selection.js';
import { canWrite, type WebContext } from '../context.js';
import type { MessageKey } from '../i18n/index.js';
import { CsrfField, Layout } from '../layout.js';
import type { IngredientChoices } from '../ingredient-choices.js';
import { hasCreatePage, NoneYetLink } from '../materials/none-yet-link.js';
import { FirstPromptSection, TemplatePicker, type FirstPrompt, type TemplateChoice } from '../templates/template-picker.js';

/** The form field of each ingredient: the task request's field name. */
export const INGREDIENT_FIELDS = {
  articleSetting: 'articleSettingId',
  knowledgeBase: 'knowledgeBaseId',
  album: 'albumId',
  conversionTarget: 'conversionTargetId',
} as const satisfies Record<ResourceKind, string>;

export type IngredientField = (typeof INGREDIENT_FIELDS)[ResourceKind];

export interface NewTaskInput {
  articleCount: string;
  priority: string;
  concurrency: string;
  maxRetries: string;
  timeoutMinutes: string;
  autoApprove: boolean;
  ingredients: Partial<Record<IngredientField, string>>;
  templateId?: string;
}

export interface NewTaskView {
  available: number;
  ingredients: IngredientChoices[];
  templates: TemplateChoice[];
  /** The rendered prompt of the first distillation the task would pick. */
  firstPrompt: FirstPrompt | null;
  input?: NewTaskInput;
  /** The seed's insufficient-distillations message (or another refusal of the count), beside the field. */
  countError?: string;
  /** Any other refusal of the form (a bad field, an ingredient gone meanwhile, a quota). */
  formError?: string;
}

function IngredientPicker({ c, choices, value }: { c: WebContext; choices: IngredientChoices; value?: string }) {
  const t = c.get('t');
  const field = INGREDIENT_FIELDS[choices.kind];
  const id = `ingredient-${choices.kind}`;
  const hasMore = choices.total > choices.options.length;
  const noneYet = choices.options.length === 0 && hasCreatePage(choices.kind);
  return (
    <>
      <label for={id}>{t(choices.kind satisfies MessageKey)}</label>
      <select id={id} name={field} aria-describedby={hasMore ? `${id}-more` : noneYet ? `${id}-none` : undefined}>
        <option value="">{t('noIngredient')}</option>
        {choices.options.map((o) => <option value={String(o.id)} selected={value === String(o.id)}>{`${o.label} (#${o.id})`}</option>)}
      </select>
      {hasMore && <p id={`${id}-more`} class="help">{t('ingredientsNewest', { shown: choices.options.length, total: choices.total })}</p>}
      {noneYet && <NoneYetLink c={c} kind={choices.kind} id={`${id}-none`} />}
    </>
  );
}

export function NewTaskPage({ c, v }: { c: WebContext; v: NewTaskView }) {
  const t = c.get('t');
  const input = v.input ?? { articleCount: String(Math.min(5, Math.max(1, v.available))), priority: '5', concurrency: '', maxRetries: '3', timeoutMinutes: '', autoApprove: true, ingredients: {} };
  const writable = canWrite(c);
  return (
    <Layout c={c} title={t('newTask')}>
      <form method="post" action="/tasks" class="card narrow" id="new-task">
        <CsrfField token={c.get('session').csrfToken} />
        {v.formError && <p id="form-error" class="error" role="alert">{v.formError}</p>}
        <label for="article-count">{t('articleCount')}</label>
        <input
          id="article-count" name="articleCount" type="number" min={1} max={MAX_ARTICLES_PER_TASK} required value={input.articleCount}
          aria-describedby="available count-error" aria-invalid={v.countError ? 'true' : undefined} data-check-url="/tasks/available"
        />
        <p id="available" class="help" aria-live="polite">{t('available', { n: v.available })}</p>
        <p id="count-error" class="error" role="alert" hidden={!v.countError}>{v.countError ?? ''}</p>
        <fieldset class="ingredients">
          <legend>{t('ingredients')}</legend>
          <TemplatePicker c={c} choices={v.templates} value={input.templateId ?? ''} id="task-template" />
          {v.ingredients.map((choices) => <IngredientPicker c={c} choices={choices} value={input.ingredients[INGREDIENT_FIELDS[choices.kind]]} />)}
        </fieldset>
        <label for="priority">{t('priority')}</label>
        <input id="priority" name="priority" type="number" min={1} max={10} value={input.priority} />
        <label for="concurrency">{t('concurrency')}</label>
        <input id="concurrency" name="concurrency" type="number" min={1} max={20} value={input.concurrency} />
        <label for="max-retries">{t('maxRetries')}</label>
        <input id="max-retries" name="maxRetries" type="number" min={0} max={10} value={input.maxRetries} aria-describedby="max-retries-help" />
        <p id="max-retries-help" class="help">{t('maxRetriesHelp')}</p>
        <label for="timeout-minutes">{t('timeoutMinutes')}</label>
        <input id="timeout-minutes" name="timeoutMinutes" type="number" min={1} max={10080} value={input.timeoutMinutes} aria-describedby="timeout-help" />
        <p id="timeout-help" class="help">{t('timeoutHelp')}</p>
        <label class="check">
          <input name="autoApprove" type="checkbox" value="on" checked={input.autoApprove} /> {t('autoApprove')}
        </label>
        {writable ? <button type="submit">{t('create')}</button> : <p id="read-only" class="notice" role="status">{t('readOnlyNewTask')}</p>}
        <a href="/tasks" class="cancel-link">{t('cancelLink')}</a>
      </form>
      <FirstPromptSection c={c} prompt={v.firstPrompt} />
    </Layout>
  );
}
