/** @jsxImportSource hono/jsx */
import type { ModelView } from '../../domain/models/index.js';
import type { WebContext } from '../context.js';
import { CsrfField, Layout } from '../layout.js';
import { TableScroll } from '../table-scroll.js';

export interface ModelsView {
  models: ModelView[];
  notice?: string;
  error?: string;
  /** What the operator typed, shown again beside an error (never the key). */
  input?: Record<string, string>;
}

const FIELDS = [
  ['id', 'modelId', 'text'],
  ['displayName', 'modelDisplayName', 'text'],
  ['baseUrl', 'modelBaseUrl', 'url'],
  ['model', 'modelProviderModel', 'text'],
  ['apiKeyEnv', 'modelApiKeyEnv', 'text'],
  ['promptPricePerMillion', 'modelPromptPrice', 'number'],
  ['completionPricePerMillion', 'modelCompletionPrice', 'number'],
  ['currency', 'modelCurrency', 'text'],
  ['maxConcurrency', 'modelMaxConcurrency', 'number'],
  ['timeoutMs', 'modelTimeoutMs', 'number'],
] as const;
export const MODEL_FORM_FIELDS = FIELDS.map(([name]) => name);
const REQUIRED = new Set(['id', 'baseUrl', 'model', 'promptPricePerMillion', 'completionPricePerMillion', 'currency']);

/** The registry for operators: every model (never a key), the form that adds one, and removal of the ones added here. */
export function ModelsPage({ c, v }: { c: WebContext; v: ModelsView }) {
  const t = c.get('t');
  const csrf = c.get('session').csrfToken;
  return (
    <Layout c={c} title={t('modelsTitle')}>
      {v.notice && <p class="notice" role="status">{v.notice}</p>}
      <p class="help">{t('modelsHelp')}</p>
      <TableScroll label={t('modelsTitle')}>
        <table id="models">
          <thead>
            <tr>
              <th scope="col">{t('modelId')}</th><th scope="col">{t('modelDisplayName')}</th><th scope="col">{t('modelBaseUrl')}</th>
              <th scope="col">{t('modelProviderModel')}</th><th scope="col">{t('modelKey')}</th><th scope="col">{t('modelPrices')}</th>
              <th scope="col">{t('modelMaxConcurrency')}</th><th scope="col">{t('modelStreaming')}</th><th scope="col">{t('modelSource')}</th>
              <th scope="col"><span class="visually-hidden">{t('actions')}</span></th>
            </tr>
          </thead>
          <tbody>
            {v.models.map((m) => (
              <tr data-model-id={m.id}>
                <td><code>{m.id}</code></td><td>{m.displayName}</td><td>{m.baseUrl ?? '—'}</td><td>{m.model}</td>
                <td>{m.apiKeyEnv ? <code>{m.apiKeyEnv}</code> : m.hasSealedKey ? t('modelKeySealed') : t('modelKeyNone')}</td>
                <td>{`${m.promptPricePerMillion} / ${m.completionPricePerMillion} ${m.currency}`}</td>
                <td>{m.maxConcurrency ?? '—'}</td><td>{m.streaming ? '✓' : '—'}</td>
                <td>{m.source === 'config' ? t('modelSourceConfig') : t('modelSourceAdmin')}</td>
                <td>
                  {m.source === 'admin' && (
                    <form method="post" action={`/models/${encodeURIComponent(m.id)}/delete`}>
                      <CsrfField token={csrf} />
                      <button type="submit" class="secondary" aria-label={t('modelRemoveLabel', { id: m.id })}>{t('modelRemove')}</button>
                    </form>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
      <form method="post" action="/models" class="card narrow" id="new-model" aria-labelledby="new-model-title">
        <h2 id="new-model-title">{t('modelNew')}</h2>
        <CsrfField token={csrf} />
        {FIELDS.map(([name, label, type]) => (
          <>
            <label for={`model-${name}`}>{t(label)}</label>
            <input id={`model-${name}`} name={name} type={type} step={type === 'number' ? 'any' : undefined} required={REQUIRED.has(name)} value={v.input?.[name] ?? ''} />
          </>
        ))}
        <label for="model-apiKey">{t('modelApiKey')}</label>
        <input id="model-apiKey" name="apiKey" type="password" autocomplete="off" />
        <label><input type="checkbox" name="streaming" checked={v.input?.streaming === 'on'} /> {t('modelStreaming')}</label>
        {v.error && <p class="error" role="alert">{v.error}</p>}
        <button type="submit">{t('modelAdd')}</button>
      </form>
    </Layout>
  );
}
