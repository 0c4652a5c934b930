/** Resolves the Temporal CLI (fetching or building it once into ./.tools if needed) and prints where it is. */
import path from 'node:path';
import { resolveTemporalCli } from '../src/infra/temporal-cli.js';

const log = {
  info: (msg: string): void => console.error(`[ensure-temporal-cli] ${msg}`),
  warn: (msg: string): void => console.error(`[ensure-temporal-cli] WARN ${msg}`),
};

try {
  const cli = await resolveTemporalCli({
    cliPath: process.env.TEMPORAL_CLI_PATH || undefined,
    toolsDir: path.resolve('.tools'),
    log,
  });
  console.log(cli.path);
  log.info(`${cli.reason} (source: ${cli.source})`);
} catch (err) {
  log.warn(err instanceof Error ? err.message : String(err));
  process.exitCode = 1;
}
