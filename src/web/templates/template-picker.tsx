/** @jsxImportSource hono/jsx */
import type { Db } from '../../db/client.js';
import { listTemplates, previewTemplate, resolveTaskTemplate, type PreviewRetrieval } from '../../domain/templates/index.js';
import { selectLeastUsedDistillations } from '../../domain/tasks/selection.js';
import type { ChatMessage } from '../../llm/index.js';
import type { WebContext } from '../context.js';
import { PromptMessages, templateLabel } from './template-pages.js';

export interface TemplateChoice {
  id: number;
  name: string;
  presetKey: string | null;
  isDefault: boolean;
}

/** The account's templates, then the presets, for the task and schedule forms (at most 100 of each). */
export async function templateChoices(db: Db, accountId: number): Promise<TemplateChoice[]> {
  const [own, presets] = await Promise.all([
    listTemplates(db, accountId, { page: 1, pageSize: 100, preset: false }),
    listTemplates(db, accountId, { page: 1, pageSize: 100, preset: true }),
  ]);
  return [...own.items, ...presets.items].map((r) => ({ id: r.id, name: r.name, presetKey: r.presetKey, isDefault: r.isDefault }));
}

/** "Template": empty means the account's default (named when there is one). */
export function TemplatePicker({ c, choices, value, id }: { c: WebContext; choices: TemplateChoice[]; value: string; id: string }) {
  const t = c.get('t');
  const fallback = choices.find((o) => o.isDefault);
  return (
    <>
      <label for={id}>{t('taskTemplate')}</label>
      <select id={id} name="templateId">
        <option value="">{fallback ? `${templateLabel(c, fallback)} ${t('accountDefaultTemplate')}` : t('builtInTemplate')}</option>
        {choices.map((o) => <option value={String(o.id)} selected={value === String(o.id)}>{`${templateLabel(c, o)} (#${o.id})`}</option>)}
      </select>
    </>
  );
}

export interface FirstPrompt {
  keyword: string;
  messages: ChatMessage[];
}

/**
 * The prompt of the first distillation a task created now would pick, with the template the form names
 * (else the account's default) and its resources; null when none can be picked or a reference is gone.
 */
export async function firstPrompt(db: Db, accountId: number, form: { templateId?: number | undefined; knowledgeBaseId?: number | undefined; conversionTargetId?: number | undefined; albumId?: number | undefined }, retrieval: PreviewRetrieval): Promise<FirstPrompt | null> {
  const [distillationId] = await selectLeastUsedDistillations(db, accountId, 1);
  if (distillationId === undefined) return null;
  try {
    const { templateId } = await resolveTaskTemplate(db, accountId, { templateId: form.templateId ?? null });
    const preview = await previewTemplate(db, accountId, templateId, { distillationId, knowledgeBaseId: form.knowledgeBaseId, conversionTargetId: form.conversionTargetId, albumId: form.albumId, retrieval });
    const user = preview.messages.find((m) => m.role === 'user')?.content ?? '';
    return { keyword: /^=== KEYWORD ===\n(.*)$/m.exec(user)?.[1] ?? '', messages: preview.messages };
  } catch {
    return null;
  }
}

export function FirstPromptSection({ c, prompt }: { c: WebContext; prompt: FirstPrompt | null }) {
  const t = c.get('t');
  if (!prompt) return <p class="help" id="first-prompt-none">{t('firstPromptNone')}</p>;
  return (
    <details id="first-prompt">
      <summary>{t('firstPromptTitle', { keyword: prompt.keyword })}</summary>
      <PromptMessages c={c} messages={prompt.messages} title={t('firstPromptTitle', { keyword: prompt.keyword })} />
    </details>
  );
}
