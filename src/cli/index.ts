/** Entry point of `artgen` (bin/artgen.js): runs the command and maps every outcome onto an exit code. */
import { CommanderError } from 'commander';
import { buildProgram } from './program.js';
import { CliError, EXIT, ExitWith } from './errors.js';
import { ApiError, ConnectionError } from './http-client.js';
import { terminalText } from './terminal-text.js';

/** Runs artgen with the given arguments (without `node` and the script); resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return EXIT.ok;
  } catch (err) {
    return exitCodeOf(err);
  }
}

export function exitCodeOf(err: unknown): number {
  if (err instanceof CommanderError) {
    // --help and --version end with code 0; every other commander error is a usage error.
    return err.exitCode === 0 || err.code === 'commander.helpDisplayed' || err.code === 'commander.version' ? EXIT.ok : EXIT.usage;
  }
  if (err instanceof ExitWith) return err.exitCode;
  if (err instanceof ApiError) {
    process.stderr.write(`artgen: ${terminalText(err.message)} (${terminalText(err.code)}, HTTP ${err.status})\n`);
    return EXIT.error;
  }
  if (err instanceof ConnectionError || err instanceof CliError) {
    process.stderr.write(`artgen: ${terminalText(err.message)}\n`);
    return err instanceof CliError ? err.exitCode : EXIT.error;
  }
  process.stderr.write(`artgen: unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  return EXIT.error;
}

process.exitCode = await main(process.argv.slice(2));
