/** @jsxImportSource hono/jsx */
import type { getDistillation } from '../../domain/distillations/distillations.js';
import { canWrite, type WebContext } from '../context.js';
import { CsrfField, Layout } from '../layout.js';

type Distillation = Awaited<ReturnType<typeof getDistillation>>;

/** The keyword as a fact (the API replaces topics only) and the topics, one per line, to edit. */
export function DistillationEditPage({ c, d, error, topics }: { c: WebContext; d: Distillation; error?: string; topics?: string }) {
  const t = c.get('t');
  const writer = canWrite(c);
  return (
    <Layout c={c} title={t('editTitle', { id: d.id, keyword: d.keyword })}>
      <p class="help">{t('keywordFixed')}</p>
      <p>{`${t('usage')}${t('colon')}${d.usageCount} · ${t('reserved')}${t('colon')}${d.reservedCount}`}</p>
      <form method="post" action={`/distillations/${d.id}/topics`} class="card narrow" id="edit-topics">
        <CsrfField token={c.get('session').csrfToken} />
        <label for="edit-topics-text">{t('topics')}</label>
        <textarea id="edit-topics-text" name="topics" rows={Math.min(20, Math.max(4, d.topics.length + 1))} readonly={!writer} aria-describedby="edit-topics-help">
          {topics ?? d.topics.join('\n')}
        </textarea>
        <p id="edit-topics-help" class="help">{t('topicsHelp')}</p>
        {error && <p class="error" role="alert">{error}</p>}
        {writer && <button type="submit">{t('saveTopics')}</button>}
      </form>
      <p>
        {writer && <><a href={`/distillations/${d.id}/delete`}>{t('deleteDistillation')}</a> · </>}
        <a href="/distillations">{t('back')}</a>
      </p>
    </Layout>
  );
}

/** The confirmation a soft delete needs: what goes (new tasks stop picking it) and what stays. */
export function DistillationDeletePage({ c, d }: { c: WebContext; d: Distillation }) {
  const t = c.get('t');
  return (
    <Layout c={c} title={t('deleteTitle', { id: d.id })}>
      <form method="post" action={`/distillations/${d.id}/delete`} class="card narrow" id="delete-distillation">
        <CsrfField token={c.get('session').csrfToken} />
        <p>{t('deleteText', { keyword: d.keyword })}</p>
        <p>{`${t('usage')}${t('colon')}${d.usageCount} · ${t('reserved')}${t('colon')}${d.reservedCount} · ${t('topics')}${t('colon')}${d.topicCount}`}</p>
        {canWrite(c) && <button type="submit" class="danger">{t('deleteButton')}</button>}
      </form>
      <p><a href="/distillations">{t('cancelLink')}</a></p>
    </Layout>
  );
}
