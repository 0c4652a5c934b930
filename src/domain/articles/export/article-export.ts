import { count, eq } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/client.js';
import { articles } from '../../../db/schema.js';
import { AppError } from '../../errors.js';
import { articleWhere, type ArticleFilter } from '../article-filter.js';
import { getArticle } from '../article-queries.js';
import { articleAttemptModels, articleBatches } from './article-batches.js';
import { articleHtml, HTML_PAGE_END, htmlPageStart } from './markdown-html.js';
import { articleFileName, articleMeta, markdownDocument, type ExportedArticle } from './markdown-document.js';
import { MAX_ZIP_ENTRIES, ZipWriter } from './zip-writer.js';

export const EXPORT_FORMATS = ['md', 'html', 'json', 'zip'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
export const SINGLE_EXPORT_FORMATS = ['md', 'html', 'json'] as const;

/** What an export answers: the type, a download name, and the body as chunks produced on demand. */
export interface ExportFile {
  contentType: string;
  fileName: string;
  chunks: AsyncIterable<string | Buffer> | Iterable<string | Buffer>;
}

/** The line before each article of a many-article Markdown export: a Markdown comment, invisible when rendered. */
export const articleMarker = (id: number) => `<!-- artgen:article ${id} -->\n`;

const jsonLine = (a: ExportedArticle) => `${JSON.stringify({ ...articleMeta(a), content: a.content })}\n`;

/** The Content-Type of each export format; one article as json is a single JSON object. */
export const EXPORT_CONTENT_TYPES = {
  md: 'text/markdown; charset=utf-8',
  html: 'text/html; charset=utf-8',
  json: 'application/x-ndjson; charset=utf-8',
  zip: 'application/zip',
} as const;
export const SINGLE_JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/** One article as a Markdown file with front matter, an HTML page, or a JSON object. */
export async function exportArticle(db: DbOrTx, accountId: number, id: number, format: (typeof SINGLE_EXPORT_FORMATS)[number]): Promise<ExportFile> {
  const found = await getArticle(db, accountId, id);
  const [row] = await db.select({ attempts: articleAttemptModels }).from(articles).where(eq(articles.id, found.id));
  const a: ExportedArticle = { ...found, attempts: row?.attempts ?? [] };
  const [contentType, body] =
    format === 'md'
      ? [EXPORT_CONTENT_TYPES.md, markdownDocument(a)]
      : format === 'html'
        ? [EXPORT_CONTENT_TYPES.html, htmlPageStart(a.title) + articleHtml(a) + HTML_PAGE_END]
        : [SINGLE_JSON_CONTENT_TYPE, jsonLine(a)];
  return { contentType, fileName: articleFileName(a, format), chunks: [body] };
}

async function* manyChunks(batches: AsyncIterable<ExportedArticle[]>, format: ExportFormat): AsyncGenerator<string | Buffer> {
  const zip = format === 'zip' ? new ZipWriter() : null;
  if (format === 'html') yield htmlPageStart('artgen articles');
  for await (const batch of batches) {
    // One chunk per batch: fewer, larger writes; memory still holds one batch.
    if (zip) yield Buffer.concat(batch.map((a) => zip.entry(articleFileName(a, 'md'), Buffer.from(markdownDocument(a)), a.updatedAt)));
    else if (format === 'md') yield batch.map((a) => articleMarker(a.id) + markdownDocument(a)).join('\n');
    else if (format === 'html') yield batch.map(articleHtml).join('');
    else yield batch.map(jsonLine).join('');
  }
  if (format === 'html') yield HTML_PAGE_END;
  if (zip) yield zip.end();
}

/**
 * The account's live articles passing `filter` in one file: Markdown documents one after another (each
 * after an `<!-- artgen:article id -->` line, then its front matter), one HTML page, JSON Lines, or a zip
 * of one Markdown file per article; rejected articles only when `reviewStatus` asks for them, and a task's
 * export is named after the task. The body is produced batch by batch as the client reads it
 * (keyset reads, see articleBatches), so memory does not grow with the number of articles.
 */
export async function exportArticles(db: DbOrTx, accountId: number, requested: ArticleFilter, format: ExportFormat): Promise<ExportFile> {
  // A rejected article is one an editor decided not to use: an export leaves it out unless the filter names a review status.
  const filter: ArticleFilter = { ...requested, excludeRejected: true };
  if (format === 'zip') {
    const [row] = await db.select({ n: count() }).from(articles).where(articleWhere(accountId, filter));
    if ((row?.n ?? 0) > MAX_ZIP_ENTRIES) {
      throw new AppError(400, 'EXPORT_TOO_LARGE', `A zip export holds at most ${MAX_ZIP_ENTRIES} articles and the filter matches ${row!.n}; narrow it, or use format=json or md.`, {
        matched: row!.n,
        limit: MAX_ZIP_ENTRIES,
      });
    }
  } else {
    // A bad search text is a 400 before the answer starts, not a broken stream.
    articleWhere(accountId, filter);
  }
  const stamp = new Date().toISOString().slice(0, 10);
  const ext = format === 'json' ? 'jsonl' : format;
  return { contentType: EXPORT_CONTENT_TYPES[format], fileName: `${filter.taskId !== undefined ? `task-${filter.taskId}-` : ''}articles-${stamp}.${ext}`, chunks: manyChunks(articleBatches(db, accountId, filter), format) };
}
