/** @jsxImportSource hono/jsx */
import { MAX_ARTICLES_PER_TASK } from '../../domain/tasks/selection.js';
import type { WebContext } from '../context.js';
import { CsrfField, Layout } from '../layout.js';

export interface NewTaskView {
  available: number;
  input?: { articleCount: string; priority: string; concurrency: string; autoApprove: boolean };
  error?: string;
}

export function NewTaskPage({ c, v }: { c: WebContext; v: NewTaskView }) {
  const t = c.get('t');
  const input = v.input ?? { articleCount: String(Math.min(5, Math.max(1, v.available))), priority: '5', concurrency: '', autoApprove: true };
  return (
    <Layout c={c} title={t('newTask')}>
      <form method="post" action="/tasks" class="card narrow" id="new-task">
        <CsrfField token={c.get('session').csrfToken} />
        <label for="article-count">{t('articleCount')}</label>
        <input
          id="article-count" name="articleCount" type="number" min={1} max={MAX_ARTICLES_PER_TASK} required value={input.articleCount}
          aria-describedby="available count-error" aria-invalid={v.error ? 'true' : undefined}
          data-available={v.available} data-too-many={t('available', { n: v.available })}
        />
        <p id="available" class="help">{t('available', { n: v.available })}</p>
        <p id="count-error" class="error" role="alert" hidden={!v.error}>{v.error ?? ''}</p>
        <label for="priority">{t('priority')}</label>
        <input id="priority" name="priority" type="number" min={1} max={10} value={input.priority} />
        <label for="concurrency">{t('concurrency')}</label>
        <input id="concurrency" name="concurrency" type="number" min={1} max={20} value={input.concurrency} />
        <label class="check">
          <input name="autoApprove" type="checkbox" value="on" checked={input.autoApprove} /> {t('autoApprove')}
        </label>
        <button type="submit">{t('create')}</button>
      </form>
    </Layout>
  );
}
