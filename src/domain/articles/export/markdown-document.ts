import type { Article } from '../article-queries.js';

/** An article as exported: with each request sent to a model for it (the model that wrote it is the last `ok`). */
export type ExportedArticle = Article & { attempts: { model: string; outcome: string }[] };

/** The fields an exported article carries besides its text (front matter, JSON lines). */
export function articleMeta(a: ExportedArticle) {
  return {
    id: a.id,
    title: a.title,
    keyword: a.keyword,
    topics: a.topics,
    taskId: a.taskId,
    position: a.position,
    distillationId: a.distillationId,
    reviewStatus: a.reviewStatus,
    rejectReason: a.rejectReason,
    imageUrl: a.imageUrl,
    model: a.model,
    attempts: a.attempts,
    createdAt: a.createdAt.toISOString(),
    updatedAt: a.updatedAt.toISOString(),
  };
}

/**
 * YAML for the front matter: every value written as JSON (a JSON string or array is valid YAML 1.2 flow
 * syntax), so no title, colon, quote or line break in it can change the YAML's shape.
 */
function frontMatter(meta: Record<string, unknown>) {
  const lines = Object.entries(meta).map(([k, v]) => `${k}: ${JSON.stringify(v)}`);
  return `---\n${lines.join('\n')}\n---\n`;
}

/** One article as a Markdown file: front matter, then the content as the LLM wrote it (or as edited). */
export function markdownDocument(a: ExportedArticle) {
  return `${frontMatter(articleMeta(a))}\n${a.content.endsWith('\n') ? a.content : `${a.content}\n`}`;
}

/** A file name that is safe on every file system: the id, then a slug of the title (letters of any script kept). */
export function articleFileName(a: Article, ext: string) {
  const slug = a.title
    .normalize('NFKC')
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '');
  return `${String(a.id).padStart(6, '0')}${slug ? `-${slug}` : ''}.${ext}`;
}
