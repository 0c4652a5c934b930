/** `artgen distillations distill`: keywords from a file -> a distillation run, optionally watched to its end. */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { contextOf, positiveInt, type Context } from '../context.js';
import { CliError, EXIT, ExitWith } from '../errors.js';
import { SseParser } from '../sse.js';
import { terminalText } from '../terminal-text.js';
import { isFinalRunEventType } from '../../shared/events/index.js';
import { DISTILLATION_RUN_LIMITS as L } from '../../shared/distillation-runs.js';
import { keywordsOf } from '../../shared/keyword-list.js';

export { keywordsOf };

const PATH = '/api/distillation-runs';
const RUN_EXIT: Record<string, number> = { completed: EXIT.ok, failed: EXIT.taskFailed, canceled: EXIT.taskCanceled };

async function readKeywords(file: string) {
  let text: string;
  try {
    if (file === '-') {
      const chunks: Buffer[] = [];
      for await (const c of process.stdin) chunks.push(c as Buffer);
      text = Buffer.concat(chunks).toString('utf8');
    } else {
      text = await readFile(file, 'utf8');
    }
  } catch (err) {
    throw new CliError(`Cannot read ${file}: ${(err as Error).message}`);
  }
  const keywords = keywordsOf(text);
  if (keywords.length === 0) throw new CliError(`${file} holds no keyword (one per line, or a JSON array of strings).`);
  if (keywords.length > L.maxKeywords) throw new CliError(`${file} holds ${keywords.length} keywords; a run takes at most ${L.maxKeywords}. Split the file.`);
  return keywords;
}

/** Follows the run's events until its final one, a line per keyword on stderr. */
async function watchRun(ctx: Context, runId: number) {
  const res = await ctx.client.fetch(`${PATH}/${runId}/events`, { headers: ctx.client.headers({ accept: 'text/event-stream' }) });
  if (res.status === 204) return;
  if (!res.ok || !res.body) throw await ctx.client.errorOf(res);
  const parser = new SseParser();
  const decoder = new TextDecoder();
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    for (const message of parser.push(decoder.decode(chunk, { stream: true }))) {
      const { data } = JSON.parse(message.data) as { data: Record<string, any> };
      const progress = data.keywordCount !== undefined ? ` [${data.doneCount + data.failedCount + data.canceledCount}/${data.keywordCount}]` : '';
      if (message.event === 'distillation.keyword.done') ctx.info(`done   ${terminalText(data.keyword)}: ${data.questionCount} question(s), ${data.duplicateCount} duplicate(s)${progress}`);
      if (message.event === 'distillation.keyword.failed') ctx.info(`failed ${terminalText(data.keyword)}: ${terminalText(data.error)}${progress}`);
      if (isFinalRunEventType(message.event)) return;
    }
  }
}

export function registerDistillCommand(group: Command): void {
  group
    .command('distill')
    .description('ask the model for the questions people ask about each keyword; they join the pool (or wait for review)')
    .requiredOption('--keywords-file <file>', 'keywords, one per line (# comments) or a JSON array; - for stdin')
    .option('--questions <n>', `questions per keyword (1-${L.maxQuestionsPerKeyword})`, positiveInt('--questions', L.maxQuestionsPerKeyword), 8)
    .option('--language <tag>', "the questions' language (zh, en, ...); default: each keyword's own")
    .option('--review', 'keep the questions pending review (accept them in the console or with the API) instead of adding them at once')
    .option('--watch', 'follow the run until it ends, a line per keyword; exit 3 when every keyword failed, 4 when canceled')
    .action(async (opts: { keywordsFile: string; questions: number; language?: string; review?: boolean; watch?: boolean }, cmd: Command) => {
      const ctx = contextOf(cmd);
      const keywords = await readKeywords(opts.keywordsFile);
      const body = { keywords, questionsPerKeyword: opts.questions, review: Boolean(opts.review), ...(opts.language ? { language: opts.language } : {}) };
      let run = await ctx.client.post<any>(PATH, body);
      if (opts.watch) {
        ctx.info(`run ${run.id}: ${run.keywordCount} keyword(s), ${opts.questions} question(s) each`);
        await watchRun(ctx, run.id);
        run = await ctx.client.get<any>(`${PATH}/${run.id}`);
      }
      ctx.print({
        json: run,
        sections: [
          {
            kind: 'kv',
            entries: [
              ['run', run.id],
              ['status', run.status],
              ['keywords', run.keywordCount],
              ['done', run.doneCount],
              ['failed', run.failedCount],
              ['canceled', run.canceledCount],
              ['pending review', run.pendingReviewCount],
              ['tokens', `${run.promptTokens} prompt, ${run.completionTokens} completion`],
            ],
          },
          {
            kind: 'table',
            columns: [
              { key: 'position' },
              { key: 'keyword', maxWidth: 40 },
              { key: 'state' },
              { key: 'questions', value: (k: any) => k.questions.length },
              { key: 'duplicates', value: (k: any) => k.duplicateCount },
              { key: 'distillationId' },
              { key: 'error', maxWidth: 50 },
            ],
            rows: run.keywords,
          },
        ],
        csvSection: 1,
        notes: run.review && run.pendingReviewCount > 0 ? [`${run.pendingReviewCount} question(s) wait for review: POST ${PATH}/${run.id}/accept {"questionIds": [...]}, or the console.`] : [],
      });
      if (opts.watch) {
        const code = RUN_EXIT[run.status] ?? EXIT.ok;
        if (code !== EXIT.ok) throw new ExitWith(code);
      }
    });
}
