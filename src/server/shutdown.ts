import type { Logger } from '../logger.js';

/**
 * One Ctrl-C reaches the process twice within milliseconds: from the terminal (it signals the whole
 * process group) and relayed by the `tsx` wrapper that `npm start` runs. Only a signal after this long
 * is a person pressing Ctrl-C again to force the exit.
 */
const REPEATED_SIGNAL_MS = 1000;

/** Runs `stop` once on SIGINT/SIGTERM; a second signal (a second Ctrl-C, not the same one twice) exits at once. */
export function onShutdownSignal(log: Logger, stop: () => Promise<void>) {
  let firstSignalAt: number | null = null;
  const handler = (signal: string) => {
    if (firstSignalAt !== null) {
      if (Date.now() - firstSignalAt >= REPEATED_SIGNAL_MS) process.exit(130);
      return;
    }
    firstSignalAt = Date.now();
    log.info({ signal }, 'shutting down (press Ctrl-C again to force)');
    stop().then(
      () => {
        log.info('stopped');
        process.exit(0);
      },
      (err) => {
        log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
}
