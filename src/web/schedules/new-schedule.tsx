/** @jsxImportSource hono/jsx */
import { MIN_INTERVAL_SECONDS } from '../../domain/schedules/index.js';
import { MAX_ARTICLES_PER_TASK } from '../../domain/tasks/selection.js';
import { TemplatePicker, type TemplateChoice } from '../templates/template-picker.js';
import type { WebContext } from '../context.js';
import { CsrfField, Layout } from '../layout.js';
import { hasCreatePage, NoneYetLink } from '../materials/none-yet-link.js';
import { CRON_PRESETS, formatRunTime } from './schedule-format.js';

/** The optional ingredients a run's task may use, as the form's pickers offer them. */
export const INGREDIENTS = [
  { kind: 'articleSetting', field: 'articleSettingId', label: 'scheduleArticleSetting' },
  { kind: 'knowledgeBase', field: 'knowledgeBaseId', label: 'scheduleKnowledgeBase' },
  { kind: 'album', field: 'albumId', label: 'scheduleAlbum' },
  { kind: 'conversionTarget', field: 'conversionTargetId', label: 'scheduleConversionTarget' },
] as const;
export type IngredientField = (typeof INGREDIENTS)[number]['field'];
export type IngredientChoices = Record<(typeof INGREDIENTS)[number]['kind'], { id: number; label: string }[]>;

export type WhenChoice = (typeof CRON_PRESETS)[number]['value'] | 'custom';

/** The form as typed: strings, so a refused form comes back exactly as it was sent. */
export interface ScheduleFormInput {
  name: string;
  when: WhenChoice;
  cron: string;
  timezone: string;
  paused: boolean;
  articleCount: string;
  priority: string;
  concurrency: string;
  maxRetries: string;
  timeoutSeconds: string;
  autoApprove: boolean;
  ingredients: Record<IngredientField, string>;
  templateId: string;
}

export interface NewScheduleView {
  input: ScheduleFormInput;
  available: number;
  choices: IngredientChoices;
  templates: TemplateChoice[];
  /** The next run times Temporal computed for the spec. */
  preview?: { times: Date[]; timezone: string };
  /** Why the spec is refused (too frequent, not a cron, not a time zone): shown in the preview's place. */
  specError?: string;
  /** Any other refusal (a field, the account's schedule limit). */
  error?: string;
}

const ZONES = ['Asia/Shanghai', 'UTC', 'Asia/Hong_Kong', 'Asia/Taipei', 'Asia/Singapore', 'Asia/Tokyo', 'Europe/London', 'Europe/Berlin', 'America/New_York', 'America/Los_Angeles'];

export const defaultScheduleInput = (c: WebContext): ScheduleFormInput => ({
  name: '',
  when: 'daily',
  cron: CRON_PRESETS[0].cron,
  timezone: c.get('lang') === 'zh' ? 'Asia/Shanghai' : 'UTC',
  paused: false,
  articleCount: '5',
  priority: '5',
  concurrency: '',
  maxRetries: '3',
  timeoutSeconds: '',
  autoApprove: true,
  ingredients: { articleSettingId: '', knowledgeBaseId: '', albumId: '', conversionTargetId: '' },
  templateId: '',
});

/** The next run times, or why there are none; console.js swaps this region in as the spec changes. */
export function SchedulePreview({ c, v }: { c: WebContext; v: NewScheduleView }) {
  const t = c.get('t');
  return (
    <section id="schedule-preview" class="preview" aria-live="polite">
      {v.specError ? (
        <p id="spec-error" class="error" role="alert">{v.specError}</p>
      ) : v.preview ? (
        <>
          <h2>{t('nextRunsIn', { tz: v.preview.timezone })}</h2>
          <ol id="next-runs">
            {v.preview.times.map((at) => <li><time datetime={at.toISOString()}>{formatRunTime(at, c.get('lang'), v.preview!.timezone)}</time></li>)}
          </ol>
        </>
      ) : (
        <p class="help">{t('noPreview')}</p>
      )}
    </section>
  );
}

const numberInput = (id: string, name: keyof ScheduleFormInput, label: string, value: string, min: number, max: number, required = false) => (
  <>
    <label for={id}>{label}</label>
    <input id={id} name={name} type="number" min={min} max={max} required={required} value={value} />
  </>
);

export function NewSchedulePage({ c, v }: { c: WebContext; v: NewScheduleView }) {
  const t = c.get('t');
  const input = v.input;
  const choices = [...CRON_PRESETS.map((p) => ({ value: p.value as WhenChoice, label: t(p.label), cron: p.cron as string })), { value: 'custom' as WhenChoice, label: t('presetCustom'), cron: '' }];
  return (
    <Layout c={c} title={t('newSchedule')}>
      <form method="post" action="/schedules" class="card narrow" id="new-schedule">
        <CsrfField token={c.get('session').csrfToken} />
        <p id="schedule-error" class="error" role="alert" hidden={!v.error}>{v.error ?? ''}</p>
        <label for="schedule-name">{t('scheduleName')}</label>
        <input id="schedule-name" name="name" required maxlength={200} value={input.name} />
        <fieldset class="when">
          <legend>{t('scheduleWhen')}</legend>
          {choices.map((choice) => (
            <label class="check">
              <input type="radio" name="when" value={choice.value} checked={input.when === choice.value} data-cron={choice.cron} /> {choice.label}
            </label>
          ))}
          <label for="cron">{t('cronField')}</label>
          <input id="cron" name="cron" maxlength={200} value={input.cron} autocomplete="off" spellcheck={false} aria-describedby="cron-help" />
          <p id="cron-help" class="help">{t('cronHelp', { min: MIN_INTERVAL_SECONDS })}</p>
          <label for="timezone">{t('timezone')}</label>
          <input id="timezone" name="timezone" list="zones" required value={input.timezone} aria-describedby="timezone-help" />
          <datalist id="zones">{ZONES.map((z) => <option value={z} />)}</datalist>
          <p id="timezone-help" class="help">{t('timezoneHelp')}</p>
        </fieldset>
        <SchedulePreview c={c} v={v} />
        <button type="submit" formaction="/schedules/preview" formnovalidate class="secondary" id="preview-button">{t('previewButton')}</button>
        <fieldset>
          <legend>{t('taskSettings')}</legend>
          {numberInput('article-count', 'articleCount', t('articleCount'), input.articleCount, 1, MAX_ARTICLES_PER_TASK, true)}
          <p class="help">{t('available', { n: v.available })}</p>
          {numberInput('priority', 'priority', t('priority'), input.priority, 1, 10)}
          {numberInput('concurrency', 'concurrency', t('concurrency'), input.concurrency, 1, 20)}
          {numberInput('max-retries', 'maxRetries', t('maxRetries'), input.maxRetries, 0, 10)}
          {numberInput('timeout-seconds', 'timeoutSeconds', t('timeoutSeconds'), input.timeoutSeconds, 10, 7 * 24 * 3600)}
          <TemplatePicker c={c} choices={v.templates} value={input.templateId} id="schedule-template" />
          {INGREDIENTS.map(({ kind, field, label }) => (
            <>
              <label for={field}>{t(label)}</label>
              <select id={field} name={field} aria-describedby={v.choices[kind].length === 0 && hasCreatePage(kind) ? `${field}-none` : undefined}>
                <option value="">{t('scheduleNoIngredient')}</option>
                {v.choices[kind].map((o) => <option value={String(o.id)} selected={input.ingredients[field] === String(o.id)}>{o.label}</option>)}
              </select>
              {v.choices[kind].length === 0 && <NoneYetLink c={c} kind={kind} id={`${field}-none`} />}
            </>
          ))}
          <label class="check">
            <input name="autoApprove" type="checkbox" value="on" checked={input.autoApprove} /> {t('autoApprove')}
          </label>
        </fieldset>
        <label class="check">
          <input name="paused" type="checkbox" value="on" checked={input.paused} /> {t('createPaused')}
        </label>
        <button type="submit" id="create-schedule">{t('createSchedule')}</button>
        <a href="/schedules" class="cancel-link">{t('cancelLink')}</a>
      </form>
    </Layout>
  );
}
