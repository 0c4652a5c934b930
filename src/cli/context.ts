/** The global options (--url, --api-key, --format) resolved into an API client and a printer. */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { ApiClient, normalizeBaseUrl, type KeySource } from './http-client.js';
import { FORMATS, renderOutput, showTimesInUtc, type Format, type Output } from './format.js';
import { terminalText } from './terminal-text.js';

export const DEFAULT_URL = 'http://127.0.0.1:3000';
/** The embedded mode (`npm start`) keeps its account's key here, relative to where it runs. */
export const EMBEDDED_KEY_FILE = path.join('.data', 'api-key');

export interface Context {
  client: ApiClient;
  format: Format;
  /** Writes a command's result in the chosen format to stdout. */
  print(output: Output): void;
  /** A line for the user that is not the result (progress, hints): stderr, so stdout stays parseable. */
  info(line: string): void;
}

export function addGlobalOptions(program: Command): Command {
  return program
    .addOption(
      new Option('--url <url>', 'base URL of the artgen API')
        .env('ARTGEN_URL')
        .default(DEFAULT_URL)
        .argParser((v) => {
          try {
            return normalizeBaseUrl(v);
          } catch (err) {
            throw new InvalidArgumentError((err as Error).message);
          }
        }),
    )
    .addOption(new Option('--api-key <key>', `API key (default: ./${EMBEDDED_KEY_FILE} when present, the key of \`npm start\`)`).env('ARTGEN_API_KEY'))
    .addOption(new Option('--format <format>', 'output format').choices(FORMATS).env('ARTGEN_FORMAT').default('table'))
    .addOption(new Option('--utc', 'print times in UTC (default: local time with its offset, e.g. +08:00)'))
    .hook('preAction', (_root, action) => showTimesInUtc(Boolean(action.optsWithGlobals<{ utc?: boolean }>().utc)));
}

/** The key from --api-key / ARTGEN_API_KEY, else from ./.data/api-key, else none. */
export function resolveApiKey(cmd: Command): { apiKey?: string; source: KeySource } {
  const opts = cmd.optsWithGlobals<{ apiKey?: string }>();
  const given = opts.apiKey?.trim();
  if (given) return { apiKey: given, source: cmd.getOptionValueSourceWithGlobals('apiKey') === 'env' ? 'env' : 'option' };
  const file = path.resolve(EMBEDDED_KEY_FILE);
  if (existsSync(file)) {
    const key = readFileSync(file, 'utf8').trim();
    if (key) return { apiKey: key, source: 'file' };
  }
  return { source: 'none' };
}

export function contextOf(cmd: Command): Context {
  const opts = cmd.optsWithGlobals<{ url: string; format: Format }>();
  const { apiKey, source } = resolveApiKey(cmd);
  const client = new ApiClient({ url: opts.url, apiKey, keySource: source });
  return {
    client,
    format: opts.format,
    print: (output) => process.stdout.write(renderOutput(opts.format, output)),
    info: (line) => process.stderr.write(`${terminalText(line)}\n`),
  };
}

/** Commander argument parsers: a bad value is a usage error (exit 2) naming the option. */
export function positiveInt(what: string, max = Number.MAX_SAFE_INTEGER) {
  return (value: string): number => {
    if (!/^\d+$/.test(value.trim())) throw new InvalidArgumentError(`${what} must be a positive whole number, got '${value}'.`);
    const n = Number(value.trim());
    if (n < 1 || n > max) throw new InvalidArgumentError(`${what} must be between 1 and ${max}, got '${value}'.`);
    return n;
  };
}

export const idArg = positiveInt('the id', 2_147_483_647);

/** For variadic ids: parses each and collects them. */
export function collectIds(value: string, previous: number[] | undefined): number[] {
  return [...(previous ?? []), idArg(value)];
}
