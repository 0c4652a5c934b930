/** `artgen articles ...`: list and search, show, review (approve, reject, reopen), edit in $EDITOR, export. */
import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Option, type Command } from 'commander';
import { contextOf, idArg } from '../context.js';
import { articleFileText, editInEditor, parseArticleFile } from '../editor.js';
import type { Column, Output } from '../format.js';
import { pagedList } from './paged-list.js';
import { time } from './views.js';

const PATH = '/api/articles';
const REVIEW_STATUSES = ['pending_review', 'approved', 'rejected'];

interface ArticleRow {
  id: number;
  taskId: number | null;
  keyword: string;
  title: string;
  reviewStatus: string;
  rejectReason: string | null;
  createdAt: string;
  content?: string;
}

const columns: Column<ArticleRow>[] = [
  { key: 'id' },
  { key: 'taskId', header: 'TASK' },
  { key: 'reviewStatus', header: 'REVIEW' },
  { key: 'keyword', maxWidth: 24 },
  { key: 'title', maxWidth: 60 },
  { key: 'createdAt', header: 'CREATED', display: time },
];

const articleOutput = (a: ArticleRow): Output => ({
  json: a,
  sections: [
    {
      kind: 'kv',
      entries: [
        ['id', a.id],
        ['taskId', a.taskId],
        ['keyword', a.keyword],
        ['title', a.title],
        ['reviewStatus', a.reviewStatus],
        ['rejectReason', a.rejectReason],
        ['createdAt', a.createdAt, time],
      ],
    },
  ],
  notes: a.content !== undefined ? ['', a.content] : [],
});

/** The filter options lists and exports share, as the API's query fields. */
function addFilterOptions(cmd: Command): Command {
  return cmd
    .option('--task <id>', 'articles of one task', idArg)
    .addOption(new Option('--status <status>', 'review status').choices(REVIEW_STATUSES))
    .option('--distillation <id>', 'articles written from one distillation', idArg)
    .option('--keyword <keyword>', 'articles written for this keyword (exactly)')
    .option('--from <time>', 'created at or after (ISO 8601, e.g. 2025-01-31T00:00:00Z)')
    .option('--to <time>', 'created before (ISO 8601)')
    .option('-q, --search <text>', 'full-text search over title and content (English and Chinese)');
}

const filterQuery = (o: Record<string, any>) => ({
  taskId: o.task,
  reviewStatus: o.status,
  distillationId: o.distillation,
  keyword: o.keyword,
  createdFrom: o.from,
  createdTo: o.to,
  q: o.search,
});

export function registerArticleCommands(program: Command): void {
  const group = program.command('articles').description('the written articles: search, review, edit and export');

  pagedList(addFilterOptions(group.command('list').description('articles, newest first (a task\'s in order)')), {
    path: PATH,
    query: filterQuery,
    rowsKey: 'articles',
    noun: 'articles',
    columns,
    empty: 'No articles.',
  });

  group
    .command('show')
    .description('one article with its content')
    .argument('<id>', 'article id', idArg)
    .action(async (id: number, _opts, cmd: Command) => {
      const ctx = contextOf(cmd);
      ctx.print(articleOutput(await ctx.client.get(`${PATH}/${id}`)));
    });

  for (const [name, description] of [
    ['approve', 'pending_review -> approved'],
    ['reopen', 'approved or rejected -> pending_review (un-approve)'],
  ] as const) {
    group
      .command(name)
      .description(description)
      .argument('<id>', 'article id', idArg)
      .action(async (id: number, _opts, cmd: Command) => {
        const ctx = contextOf(cmd);
        const r = await ctx.client.post(`${PATH}/${id}/${name}`);
        ctx.print(articleOutput(r.article));
      });
  }

  group
    .command('reject')
    .description('pending_review -> rejected, with the reason')
    .argument('<id>', 'article id', idArg)
    .requiredOption('--reason <text>', 'why it is rejected')
    .action(async (id: number, opts: { reason: string }, cmd: Command) => {
      const ctx = contextOf(cmd);
      const r = await ctx.client.post(`${PATH}/${id}/reject`, { reason: opts.reason });
      ctx.print(articleOutput(r.article));
    });

  group
    .command('edit')
    .description('edit title and content in $EDITOR (first line: the title; after an empty line: the content)')
    .argument('<id>', 'article id', idArg)
    .action(async (id: number, _opts, cmd: Command) => {
      const ctx = contextOf(cmd);
      const article = await ctx.client.get(`${PATH}/${id}`);
      const before = articleFileText(article);
      const after = editInEditor(before, `article-${id}.md`);
      if (after === before) {
        ctx.info(`Article ${id} is unchanged.`);
        return;
      }
      const r = await ctx.client.request('PATCH', `${PATH}/${id}`, { body: parseArticleFile(after) });
      ctx.info(r.body.changed ? `Article ${id} saved (revision ${r.body.revisionId} keeps the previous text).` : `Article ${id} is unchanged.`);
      ctx.print(articleOutput(r.body.article));
    });

  addFilterOptions(group.command('export').description('one article (--id) or many (filters) as md, html, json or zip, streamed'))
    .option('--id <id>', 'only this article', idArg)
    .addOption(new Option('--as <format>', 'file format').choices(['md', 'html', 'json', 'zip']).default('md'))
    .option('-o, --output <file>', 'write to this file (default: stdout)')
    .action(async (opts, cmd: Command) => {
      const ctx = contextOf(cmd);
      const path = opts.id ? `${PATH}/${opts.id}/export` : `${PATH}/export`;
      const query = opts.id ? { format: opts.as } : { ...filterQuery(opts), format: opts.as };
      const res = await ctx.client.fetch(path, { query, headers: ctx.client.headers() });
      if (!res.ok) throw await ctx.client.errorOf(res);
      const out = opts.output ? createWriteStream(opts.output) : process.stdout;
      await pipeline(Readable.fromWeb(res.body as any), out, { end: Boolean(opts.output) });
      if (opts.output) ctx.info(`Wrote ${opts.output}.`);
    });
}
