/** `artgen distillations ...`: import (CSV/JSON, checked locally first), list, show, delete. */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { contextOf, idArg } from '../context.js';
import { CliError, EXIT, ExitWith } from '../errors.js';
import { ApiError } from '../http-client.js';
import type { BadRow, GoodRow } from '../../domain/distillations/distillation-file.js';
import { registerDistillCommand } from './distill.js';
import { pagedList } from './paged-list.js';
import { time } from './views.js';

export const IMPORT_BATCH_SIZE = 500;
const PATH = '/api/distillations';
const SHOWN_PROBLEMS = 50;

/** 1 2 3 7 9 10 -> "1-3 7 9-10". */
export function idRanges(ids: number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < ids.length; ) {
    let j = i;
    while (j + 1 < ids.length && ids[j + 1] === ids[j]! + 1) j++;
    parts.push(j > i ? `${ids[i]}-${ids[j]}` : `${ids[i]}`);
    i = j + 1;
  }
  return parts.join(' ');
}

function problemLines(bad: BadRow[]): string {
  const lines = bad.slice(0, SHOWN_PROBLEMS).map((b) => `  ${b.where}${b.keyword ? ` (${JSON.stringify(b.keyword.length > 40 ? `${b.keyword.slice(0, 39)}…` : b.keyword)})` : ''}: ${b.errors.join('; ')}`);
  if (bad.length > SHOWN_PROBLEMS) lines.push(`  ... and ${bad.length - SHOWN_PROBLEMS} more`);
  return lines.join('\n');
}

async function readInput(file: string): Promise<string> {
  try {
    if (file === '-') {
      const chunks: Buffer[] = [];
      for await (const c of process.stdin) chunks.push(c as Buffer);
      return Buffer.concat(chunks).toString('utf8');
    }
    return await readFile(file, 'utf8');
  } catch (err) {
    throw new CliError(`Cannot read ${file}: ${(err as Error).message}`);
  }
}

const whereOf = (r: { line?: number; index?: number }) => (r.line !== undefined ? { line: r.line } : { index: r.index });

export function registerDistillationCommands(program: Command): void {
  const group = program.command('distillations').description('the pool of keywords and their topics that articles are written from');
  registerDistillCommand(group);

  group
    .command('import')
    .description('import distillations from a CSV or JSON file (every row is checked first; all or nothing)')
    .argument('<file>', 'a .csv or .json file, or - for stdin')
    .option('--skip-invalid', 'import the valid rows and list the skipped ones instead of importing nothing')
    .option('--dry-run', 'only check the file')
    .addHelpText(
      'after',
      `
CSV: a header with the columns keyword and topics; topics separated by |; quote fields that contain
commas ("a, b"), write "" for a quote inside one:
  keyword,topics
  GEO optimisation,What is GEO?|How does GEO differ from SEO?
  "AI search, ranking","How do AI assistants pick sources?"
JSON: [{"keyword": "...", "topics": ["...", "..."]}] or {"distillations": [...]}.

Each row needs a keyword (1-${200} characters) and at least one topic (each at most 500 characters).
Any invalid row: its line (CSV) or index (JSON) is reported, nothing is imported and the exit code is 1,
unless --skip-invalid. Rows are sent in batches of ${IMPORT_BATCH_SIZE}.`,
    )
    .action(async (file: string, opts, cmd: Command) => {
      const ctx = contextOf(cmd);
      // Loaded here: the checker reads its limits from the zod schema, and zod would slow every other command's start.
      const { parseDistillationFile } = await import('../../domain/distillations/distillation-file.js');
      const parsed = parseDistillationFile(file, await readInput(file));
      if (parsed.problem) throw new CliError(parsed.problem);
      const { good, bad } = parsed;
      const total = good.length + bad.length;
      if (bad.length > 0 && !opts.skipInvalid) {
        throw new CliError(
          `${bad.length} of ${total} row(s) in ${file} ${bad.length === 1 ? 'is' : 'are'} invalid; nothing was imported` +
            `${good.length > 0 ? ` (add --skip-invalid to import the ${good.length} valid one(s))` : ''}:\n${problemLines(bad)}`,
        );
      }
      if (bad.length > 0) ctx.info(`Skipping ${bad.length} invalid row(s) of ${file}:\n${problemLines(bad)}`);
      if (good.length === 0) throw new CliError(`${file} holds no valid distillation; nothing was imported.`);

      const ids: number[] = [];
      const batches: GoodRow[][] = [];
      for (let i = 0; i < good.length; i += IMPORT_BATCH_SIZE) batches.push(good.slice(i, i + IMPORT_BATCH_SIZE));
      if (!opts.dryRun) {
        for (const [n, batch] of batches.entries()) {
          try {
            const r = await ctx.client.post<{ imported: number; ids: number[] }>(`${PATH}/import`, { distillations: batch.map((g) => g.distillation) });
            ids.push(...r.ids);
          } catch (err) {
            if (!(err instanceof ApiError)) throw err;
            const done = ids.length > 0 ? `The ${n} batch(es) before it were imported: ${ids.length} distillation(s), ids ${idRanges(ids)}.` : 'Nothing was imported.';
            throw new CliError(`Batch ${n + 1} of ${batches.length} (${batch[0]!.where} to ${batch.at(-1)!.where}) was rejected: ${err.message} (${err.code}, HTTP ${err.status}). ${done}`);
          }
        }
      }
      const skipped = bad.map((b) => ({ ...whereOf(b), keyword: b.keyword, errors: b.errors }));
      const rows = good.map((g, i) => ({ ...whereOf(g), id: ids[i] ?? null, keyword: g.distillation.keyword, topics: g.distillation.topics.length }));
      ctx.print({
        json: { dryRun: Boolean(opts.dryRun), imported: ids.length, valid: good.length, ids, batches: opts.dryRun ? 0 : batches.length, skipped },
        sections: [
          {
            kind: 'kv',
            entries: [
              ['file', file],
              [opts.dryRun ? 'valid (dry run, nothing imported)' : 'imported', opts.dryRun ? good.length : ids.length],
              ['ids', idRanges(ids)],
              ['batches', opts.dryRun ? 0 : batches.length],
              ['skipped', bad.length],
            ],
          },
          ...(skipped.length > 0
            ? [
                {
                  kind: 'table' as const,
                  title: 'Skipped',
                  columns: [{ key: parsed.kind === 'csv' ? 'line' : 'index' }, { key: 'keyword', maxWidth: 40 }, { key: 'errors', value: (r: { errors: string[] }) => r.errors.join('; ') }],
                  rows: skipped,
                },
              ]
            : []),
          {
            kind: 'table',
            columns: [{ key: parsed.kind === 'csv' ? 'line' : 'index' }, { key: 'id' }, { key: 'keyword' }, { key: 'topics' }],
            rows,
            csvOnly: true,
          },
        ],
        // CSV: one row per valid input row with the id it got.
        csvSection: skipped.length > 0 ? 2 : 1,
      });
    });

  pagedList(group.command('list').description('list distillations with their usage and reservation counts, newest first'), {
    path: PATH,
    rowsKey: 'items',
    noun: 'distillations',
    columns: [
      { key: 'id' },
      { key: 'keyword', maxWidth: 50 },
      { key: 'topicCount', header: 'TOPICS' },
      { key: 'usageCount', header: 'USED' },
      { key: 'reservedCount', header: 'RESERVED' },
      { key: 'createdAt', header: 'CREATED', display: time },
    ],
    empty: 'No distillations. Import some with: artgen distillations import <file.csv|file.json>',
  });

  group
    .command('show')
    .description('show one distillation with its topics')
    .argument('<id>', 'distillation id', idArg)
    .action(async (id: number, _opts, cmd: Command) => {
      const ctx = contextOf(cmd);
      const d = await ctx.client.get<Record<string, any>>(`${PATH}/${id}`);
      const topics: string[] = d.topics ?? [];
      ctx.print({
        json: d,
        sections: [
          {
            kind: 'kv',
            entries: [
              ['id', d.id],
              ['keyword', d.keyword],
              ['usageCount', d.usageCount],
              ['reservedCount', d.reservedCount],
              ['topicCount', d.topicCount],
              ['createdAt', d.createdAt, time],
            ],
          },
          { kind: 'table', title: 'Topics', columns: [{ key: 'n' }, { key: 'topic' }], rows: topics.map((topic, i) => ({ n: i + 1, topic })) },
        ],
      });
    });

  group
    .command('delete')
    .description('delete distillations (soft delete: past articles and usage history keep them)')
    .argument('<id...>', 'distillation ids', (v: string, prev: number[] | undefined) => [...(prev ?? []), idArg(v)])
    .action(async (ids: number[], _opts, cmd: Command) => {
      const ctx = contextOf(cmd);
      const results: { id: number; result: string; code: string | null }[] = [];
      for (const id of ids) {
        try {
          await ctx.client.delete(`${PATH}/${id}`);
          results.push({ id, result: 'deleted', code: null });
        } catch (err) {
          if (!(err instanceof ApiError)) throw err;
          results.push({ id, result: err.message, code: err.code });
        }
      }
      const failed = results.filter((r) => r.code !== null);
      ctx.print({
        json: { deleted: results.filter((r) => r.code === null).map((r) => r.id), failed: failed.map((r) => ({ id: r.id, code: r.code, message: r.result })) },
        sections: [{ kind: 'table', columns: [{ key: 'id' }, { key: 'result' }, { key: 'code' }], rows: results }],
      });
      if (failed.length > 0) {
        ctx.info(`artgen: ${failed.length} of ${ids.length} distillation(s) could not be deleted.`);
        throw new ExitWith(EXIT.error);
      }
    });
}
