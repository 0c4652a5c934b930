/** `... list --page --page-size`: one builder for the commands that page through an API list. */
import type { Command } from 'commander';
import { contextOf, positiveInt, type Context } from '../context.js';
import type { Column, Output } from '../format.js';

/** What every paged answer of the API carries besides its rows. */
export interface Page {
  page: number;
  pageSize: number;
  total: number;
}

export function pageNote(list: Page, noun: string): string {
  const pages = Math.max(1, Math.ceil(list.total / list.pageSize));
  return `page ${list.page} of ${pages} (${list.total} ${noun})`;
}

export interface PagedView<R> {
  /** The property of the answer that holds the rows ('tasks', 'items'). */
  rowsKey: string;
  /** Plural, for the page note and the help: 'tasks'. */
  noun: string;
  columns: Column<R>[];
  /** What a table says when the page is empty. */
  empty: string;
}

/** A page as a table (the answer as JSON), with `page 1 of 3 (42 tasks)` under it. */
export function pagedOutput<R>(list: Page & Record<string, unknown>, view: PagedView<R>, rows = (list[view.rowsKey] as R[] | undefined) ?? []): Output {
  return {
    json: { ...list, [view.rowsKey]: rows },
    sections: [{ kind: 'table', columns: view.columns, rows, empty: view.empty }],
    notes: [pageNote(list, view.noun)],
  };
}

export interface PagedListSpec<R> extends PagedView<R> {
  path: string;
  /** The API's query fields from the command's own options (filters). */
  query?: (opts: Record<string, any>) => Record<string, unknown>;
  /** Rows completed from elsewhere before they are shown. */
  rows?: (rows: R[], ctx: Context) => Promise<R[]>;
}

/**
 * Adds --page and --page-size to `cmd` and an action that fetches the page and prints it.
 * @example pagedList(group.command('list').description('...'), { path: '/api/x', rowsKey: 'items', noun: 'things', columns, empty: 'None.' })
 */
export function pagedList<R>(cmd: Command, spec: PagedListSpec<R>): Command {
  return cmd
    .option('--page <p>', 'page number', positiveInt('--page'), 1)
    .option('--page-size <n>', `${spec.noun} per page (1-100)`, positiveInt('--page-size', 100), 20)
    .action(async (opts: Record<string, any>, c: Command) => {
      const ctx = contextOf(c);
      const list = await ctx.client.get<Page & Record<string, unknown>>(spec.path, { ...spec.query?.(opts), page: opts.page, pageSize: opts.pageSize });
      const rows = (list[spec.rowsKey] as R[] | undefined) ?? [];
      ctx.print(pagedOutput(list, spec, spec.rows ? await spec.rows(rows, ctx) : rows));
    });
}
