/** The `artgen` command tree. */
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { addGlobalOptions, DEFAULT_URL, EMBEDDED_KEY_FILE } from './context.js';
import { registerArticleCommands } from './commands/articles.js';
import { registerAuditCommands } from './commands/audit.js';
import { registerDistillationCommands } from './commands/distillations.js';
import { registerKeyCommands } from './commands/keys.js';
import { registerMonitorCommands } from './commands/monitor.js';
import { registerScheduleCommands } from './commands/schedule.js';
import { registerTaskCommands } from './commands/task.js';
import { registerUsageCommands } from './commands/usage.js';

function packageVersion(): string {
  try {
    return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string }).version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

export const ROOT_HELP = `
Connection: --url (ARTGEN_URL, default ${DEFAULT_URL}); --api-key (ARTGEN_API_KEY, else ./${EMBEDDED_KEY_FILE}
when it exists, the key of \`npm start\`). Output: --format table|json|csv (ARTGEN_FORMAT); json is the API's JSON.

Exit codes:
  0  success
  1  the API answered with an error (its message is printed), the API is unreachable, a local check
     failed (an invalid import file), \`monitor health\` found the service degraded, or
     \`usage verify\` found discrepancies
  2  bad command line (unknown command or option, missing or malformed argument)
  3, 4, 5  \`task watch\` / \`--watch\`: the task failed, was canceled, timed out

Examples:
  artgen distillations import keywords.csv
  artgen task create --count 5 --watch
  artgen task list --status running --format json
  artgen monitor health
  artgen articles list --status pending_review -q 营销
  EDITOR=nano artgen articles edit 12
  artgen articles export --task 3 --as zip -o articles.zip`;

export function buildProgram(): Command {
  const program = new Command('artgen');
  program
    .description('Command line client of the artgen article generation service (a thin client of its HTTP API).')
    .version(packageVersion(), '-V, --version')
    .exitOverride()
    .showHelpAfterError('(add --help for usage)')
    .configureHelp({ sortSubcommands: false, showGlobalOptions: true })
    .addHelpText('after', ROOT_HELP);
  addGlobalOptions(program);
  registerTaskCommands(program);
  registerMonitorCommands(program);
  registerDistillationCommands(program);
  registerUsageCommands(program);
  registerScheduleCommands(program);
  registerKeyCommands(program);
  registerAuditCommands(program);
  registerArticleCommands(program);
  return program;
}
