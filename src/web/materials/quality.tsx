/** @jsxImportSource hono/jsx */
import type { Child } from 'hono/jsx';
import type { QualityOverrides } from '../../domain/quality/settings.js';
import type { QualitySettings } from '../../shared/quality.js';
import { canWrite, type WebContext } from '../context.js';
import { formText } from '../form-fields.js';
import type { Translate } from '../i18n/index.js';
import { CsrfField, Layout } from '../layout.js';
import { MaterialsAreaNav, Messages } from './materials-parts.js';

/** The form as typed: each field empty to follow the default; the "off" boxes say null (or no words). */
export interface QualityFormInput {
  minChars: string;
  maxChars: string;
  maxCharsOff: boolean;
  requireTitle: string;
  minHeadings: string;
  requireCompanyName: string;
  bannedWords: string;
  bannedWordsNone: boolean;
  nearDuplicateMaxDistance: string;
  nearDuplicateOff: boolean;
}

export interface QualityView {
  settings: QualitySettings;
  overrides: QualityOverrides;
  defaults: QualitySettings;
  notice?: string;
  error?: string;
  input?: QualityFormInput;
}

/** The account's own settings as the form shows them. */
export function qualityFormOf(o: QualityOverrides): QualityFormInput {
  const num = (n: number | null | undefined) => (n === undefined || n === null ? '' : String(n));
  const flag = (b: boolean | undefined) => (b === undefined ? '' : b ? 'on' : 'off');
  return {
    minChars: num(o.minChars),
    maxChars: num(o.maxChars),
    maxCharsOff: o.maxChars === null,
    requireTitle: flag(o.requireTitle),
    minHeadings: num(o.minHeadings),
    requireCompanyName: flag(o.requireCompanyName),
    bannedWords: (o.bannedWords ?? []).join('\n'),
    bannedWordsNone: o.bannedWords !== undefined && o.bannedWords.length === 0,
    nearDuplicateMaxDistance: num(o.nearDuplicateMaxDistance),
    nearDuplicateOff: o.nearDuplicateMaxDistance === null,
  };
}

export function readQualityForm(body: Record<string, unknown>): QualityFormInput {
  return {
    minChars: formText(body.minChars),
    maxChars: formText(body.maxChars),
    maxCharsOff: body.maxCharsOff === 'on',
    requireTitle: formText(body.requireTitle),
    minHeadings: formText(body.minHeadings),
    requireCompanyName: formText(body.requireCompanyName),
    bannedWords: typeof body.bannedWords === 'string' ? body.bannedWords : '',
    bannedWordsNone: body.bannedWordsNone === 'on',
    nearDuplicateMaxDistance: formText(body.nearDuplicateMaxDistance),
    nearDuplicateOff: body.nearDuplicateOff === 'on',
  };
}

/**
 * What the form asks the API's schema for (PUT /api/quality-settings): a field left empty is left out, so it
 * follows the default; numbers go as typed, so the schema words a bad one exactly as the API does.
 */
export function qualityRequestOf(input: QualityFormInput): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const number = (v: string) => (v === '' ? undefined : Number(v));
  const flag = (v: string) => (v === 'on' ? true : v === 'off' ? false : undefined);
  const set = (key: keyof QualitySettings, value: unknown) => {
    if (value !== undefined) out[key] = value;
  };
  set('minChars', number(input.minChars));
  set('maxChars', input.maxCharsOff ? null : number(input.maxChars));
  set('requireTitle', flag(input.requireTitle));
  set('minHeadings', number(input.minHeadings));
  set('requireCompanyName', flag(input.requireCompanyName));
  const words = input.bannedWords.split(/\r?\n/).map((w) => w.trim()).filter((w) => w !== '');
  set('bannedWords', input.bannedWordsNone ? [] : words.length > 0 ? words : undefined);
  set('nearDuplicateMaxDistance', input.nearDuplicateOff ? null : number(input.nearDuplicateMaxDistance));
  return out;
}

/** Each setting's value in words. */
function shown(t: Translate, key: keyof QualitySettings, s: QualitySettings): string {
  switch (key) {
    case 'minChars':
      return t('qualityChars', { n: s.minChars });
    case 'maxChars':
      return s.maxChars === null ? t('qualityNoLimit') : t('qualityChars', { n: s.maxChars });
    case 'requireTitle':
      return s.requireTitle ? t('qualityOn') : t('qualityOff');
    case 'minHeadings':
      return t('qualityHeadings', { n: s.minHeadings });
    case 'requireCompanyName':
      return s.requireCompanyName ? t('qualityOn') : t('qualityOff');
    case 'bannedWords':
      return s.bannedWords.length === 0 ? t('qualityNone') : s.bannedWords.join(', ');
    case 'nearDuplicateMaxDistance':
      return s.nearDuplicateMaxDistance === null ? t('qualityNoCheck') : t('qualityBits', { n: s.nearDuplicateMaxDistance });
  }
}

function Check(props: { c: WebContext; v: QualityView; field: keyof QualitySettings; label: string; help: string; children: Child }) {
  const t = props.c.get('t');
  const { v, field } = props;
  const own = field in v.overrides;
  return (
    <fieldset class="quality-check" data-check={field}>
      <legend>{props.label}</legend>
      <p class="help">{props.help}</p>
      <dl class="facts">
        <dt>{t('qualityApplies')}</dt>
        <dd class="applies">{t('qualityAppliesValue', { value: shown(t, field, v.settings), source: own ? t('qualityOwn') : t('qualityFollowsDefault') })}</dd>
        <dt>{t('qualityDefault')}</dt>
        <dd class="default">{shown(t, field, v.defaults)}</dd>
      </dl>
      {props.children}
    </fieldset>
  );
}

function NumberField({ id, name, label, value, min, max, placeholder }: { id: string; name: string; label: string; value: string; min: number; max: number; placeholder: string }) {
  return (
    <>
      <label for={id}>{label}</label>
      <input id={id} name={name} type="number" min={min} max={max} step={1} value={value} placeholder={placeholder} />
    </>
  );
}

function OnOffField({ c, id, name, value, dflt }: { c: WebContext; id: string; name: string; value: string; dflt: boolean }) {
  const t = c.get('t');
  return (
    <>
      <label for={id}>{t('qualityYours')}</label>
      <select id={id} name={name}>
        <option value="" selected={value === ''}>{`${t('qualityUseDefault')} (${dflt ? t('qualityOn') : t('qualityOff')})`}</option>
        <option value="on" selected={value === 'on'}>{t('qualityOn')}</option>
        <option value="off" selected={value === 'off'}>{t('qualityOff')}</option>
      </select>
    </>
  );
}

/** A writer's form; a read key's settings in the same box, with nothing to send. */
const QualityForm = ({ writer, children }: { writer: boolean; children: Child }) =>
  writer ? (
    <form method="post" action="/quality-settings" id="quality-settings" class="card">{children}</form>
  ) : (
    <div id="quality-settings" class="card">{children}</div>
  );

export function QualityPage({ c, v }: { c: WebContext; v: QualityView }) {
  const t = c.get('t');
  const input = v.input ?? qualityFormOf(v.overrides);
  const writer = canWrite(c);
  const yours = t('qualityYours');
  return (
    <Layout c={c} title={t('qualityNav')}>
      <MaterialsAreaNav c={c} />
      <p>{t('qualityIntro')}</p>
      <Messages notice={v.notice} />
      <QualityForm writer={writer}>
        {writer && <CsrfField token={c.get('session').csrfToken} />}
        <Messages error={v.error} errorId="quality-error" />
        {writer ? <p class="help">{t('qualityEmptyIsDefault')}</p> : <p class="note" id="quality-read-only">{t('qualityReadOnly')}</p>}
        <fieldset disabled={!writer} class="quality-fields">
          <legend class="sr-only">{t('qualityNav')}</legend>
          <Check c={c} v={v} field="minChars" label={t('qualityMinChars')} help={t('qualityMinCharsHelp')}>
            <NumberField id="q-min-chars" name="minChars" label={yours} value={input.minChars} min={0} max={1_000_000} placeholder={String(v.defaults.minChars)} />
          </Check>
          <Check c={c} v={v} field="maxChars" label={t('qualityMaxChars')} help={t('qualityMaxCharsHelp')}>
            <NumberField id="q-max-chars" name="maxChars" label={yours} value={input.maxChars} min={1} max={1_000_000} placeholder={v.defaults.maxChars === null ? '' : String(v.defaults.maxChars)} />
            <label class="check"><input type="checkbox" name="maxCharsOff" value="on" checked={input.maxCharsOff} /> {t('qualityMaxCharsOff')}</label>
          </Check>
          <Check c={c} v={v} field="requireTitle" label={t('qualityRequireTitle')} help={t('qualityRequireTitleHelp')}>
            <OnOffField c={c} id="q-require-title" name="requireTitle" value={input.requireTitle} dflt={v.defaults.requireTitle} />
          </Check>
          <Check c={c} v={v} field="minHeadings" label={t('qualityMinHeadings')} help={t('qualityMinHeadingsHelp')}>
            <NumberField id="q-min-headings" name="minHeadings" label={yours} value={input.minHeadings} min={0} max={100} placeholder={String(v.defaults.minHeadings)} />
          </Check>
          <Check c={c} v={v} field="requireCompanyName" label={t('qualityRequireCompany')} help={t('qualityRequireCompanyHelp')}>
            <OnOffField c={c} id="q-require-company" name="requireCompanyName" value={input.requireCompanyName} dflt={v.defaults.requireCompanyName} />
          </Check>
          <Check c={c} v={v} field="bannedWords" label={t('qualityBannedWords')} help={t('qualityBannedWordsHelp')}>
            <label for="q-banned-words">{yours}</label>
            <textarea id="q-banned-words" name="bannedWords" rows={4}>{input.bannedWords}</textarea>
            <label class="check"><input type="checkbox" name="bannedWordsNone" value="on" checked={input.bannedWordsNone} /> {t('qualityBannedWordsNone')}</label>
          </Check>
          <Check c={c} v={v} field="nearDuplicateMaxDistance" label={t('qualityNearDuplicate')} help={t('qualityNearDuplicateHelp')}>
            <NumberField id="q-near-duplicate" name="nearDuplicateMaxDistance" label={yours} value={input.nearDuplicateMaxDistance} min={0} max={3} placeholder={v.defaults.nearDuplicateMaxDistance === null ? '' : String(v.defaults.nearDuplicateMaxDistance)} />
            <label class="check"><input type="checkbox" name="nearDuplicateOff" value="on" checked={input.nearDuplicateOff} /> {t('qualityNearDuplicateOff')}</label>
          </Check>
        </fieldset>
        {writer && <button type="submit" id="save-quality">{t('qualitySave')}</button>}
      </QualityForm>
    </Layout>
  );
}
