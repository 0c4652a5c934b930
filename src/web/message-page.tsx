/** @jsxImportSource hono/jsx */
import type { WebContext } from './context.js';
import { Layout } from './layout.js';

/** An error or refusal as a page: what happened, its code when it has one, and a way back. */
export function MessagePage({ c, title, text, code }: { c: WebContext; title: string; text: string; code?: string }) {
  const signedIn = Boolean(c.get('session'));
  const t = c.get('t');
  return (
    <Layout c={c} title={title} bare={!signedIn}>
      <p class="error" role="alert">{text}</p>
      {code && <p class="help" id="error-code">{t('errorCode', { code })}</p>}
      <p><a href={signedIn ? '/distillations' : '/sign-in'}>{t('back')}</a></p>
    </Layout>
  );
}
