/** The task request options shared by `task create` and `schedule create` (its template). */
import { InvalidArgumentError, type Command } from 'commander';
import { idArg, positiveInt } from '../context.js';

export function nonNegativeInt(what: string, max: number) {
  return (value: string): number => {
    if (!/^\d+$/.test(value.trim()) || Number(value) > max) throw new InvalidArgumentError(`${what} must be a whole number from 0 to ${max}, got '${value}'.`);
    return Number(value);
  };
}

export function addTaskRequestOptions(cmd: Command): Command {
  return cmd
    .requiredOption('-n, --count <n>', 'articles to write (1-100)', positiveInt('--count'))
    .option('--priority <p>', 'priority 1-10, 10 is the most urgent (API default 5)', positiveInt('--priority'))
    .option('--concurrency <c>', 'articles written at once, 1-20 (API default 5)', positiveInt('--concurrency'))
    .option('--timeout <seconds>', 'time limit of the task in seconds (API default 3600)', positiveInt('--timeout'))
    .option('--max-retries <n>', 'task retries allowed, 0-10 (API default 3)', nonNegativeInt('--max-retries', 10))
    .option('--template <id>', "prompt template id (default: the account's default template)", idArg)
    .option('--setting <id>', 'article setting id (deprecated: use --template)', idArg)
    .option('--knowledge-base <id>', 'knowledge base id (reference material)', idArg)
    .option('--album <id>', 'album id (images)', idArg)
    .option('--target <id>', 'conversion target id (the business promoted)', idArg)
    .option('--no-auto-approve', 'leave the articles pending review instead of approving them');
}

/** The JSON of POST /api/article-generation/tasks (and a schedule's template); unset options are left out. */
export function taskRequestBody(opts: Record<string, any>) {
  return {
    articleCount: opts.count as number,
    priority: opts.priority as number | undefined,
    concurrency: opts.concurrency as number | undefined,
    timeoutSeconds: opts.timeout as number | undefined,
    maxRetries: opts.maxRetries as number | undefined,
    templateId: opts.template as number | undefined,
    articleSettingId: opts.setting as number | undefined,
    knowledgeBaseId: opts.knowledgeBase as number | undefined,
    albumId: opts.album as number | undefined,
    conversionTargetId: opts.target as number | undefined,
    autoApprove: opts.autoApprove as boolean,
  };
}
