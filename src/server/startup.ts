import { ConfigError } from '../config.js';

export function requireSetting<T>(value: T | undefined, name: string, command: string): T {
  if (value === undefined) {
    throw new ConfigError(`${name} is required for \`${command}\`. Set it, or use \`npm start\` for the embedded mode.`);
  }
  return value;
}

/** Start-up failures print one clear message (no stack for configuration mistakes) and exit 1. */
export function exitOnStartupError(err: unknown) {
  if (err instanceof ConfigError) console.error(err.message);
  else console.error('Start-up failed:', err instanceof Error ? (err.stack ?? err.message) : err);
  process.exit(1);
}
