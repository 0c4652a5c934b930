/** @jsxImportSource hono/jsx */
import type { WebContext } from './context.js';
import { Layout } from './layout.js';

/** An error or refusal as a page: what happened and a way back. */
export function MessagePage({ c, title, text }: { c: WebContext; title: string; text: string }) {
  const signedIn = Boolean(c.get('session'));
  return (
    <Layout c={c} title={title} bare={!signedIn}>
      <p class="error" role="alert">{text}</p>
      <p><a href={signedIn ? '/distillations' : '/sign-in'}>{c.get('t')('back')}</a></p>
    </Layout>
  );
}
