/** @jsxImportSource hono/jsx */
import type { Child } from 'hono/jsx';
import type { WebContext } from './context.js';

/**
 * A secret shown once (a new API key, a webhook's signing secret): a read-only field to select by hand, a
 * copy button where the script runs, and what `children` say about it.
 */
export function SecretShownOnce({ c, warning, label, secret, children }: { c: WebContext; warning: string; label: string; secret: string; children?: Child }) {
  const t = c.get('t');
  return (
    <section class="card" aria-labelledby="secret-label">
      <p class="note" role="alert">{warning}</p>
      <label for="secret" id="secret-label">{label}</label>
      <input id="secret" class="secret" readonly value={secret} autocomplete="off" spellcheck={false} />
      <button type="button" data-copy="secret" data-copied={t('copied')} hidden>{t('copy')}</button>
      <span class="help" role="status" id="secret-copied"></span>
      {children}
    </section>
  );
}
