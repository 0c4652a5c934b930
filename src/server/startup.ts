import { ConfigError } from '../config.js';
import { isPortFree } from '../infra/process-utils.js';
import { StartupError } from '../infra/startup-error.js';

export function requireSetting<T>(value: T | undefined, name: string, command: string): T {
  if (value === undefined) {
    throw new ConfigError(`${name} is required for \`${command}\`. Set it, or use \`npm start\` for the embedded mode.`);
  }
  return value;
}

/** Checks the API's port before anything else starts, so a busy port costs nothing and says so plainly. */
export async function requireFreeApiPort(port: number, host: string) {
  if (port !== 0 && !(await isPortFree(port, host))) {
    throw new StartupError(`port ${port} on ${host} is already in use by another process; stop it or set PORT to a free port`);
  }
}

/** Start-up failures print one clear message (no stack for mistakes the message explains) and exit 1. */
export function exitOnStartupError(err: unknown) {
  if (err instanceof ConfigError || err instanceof StartupError) console.error(err.message);
  else console.error('Start-up failed:', err instanceof Error ? (err.stack ?? err.message) : err);
  process.exit(1);
}
