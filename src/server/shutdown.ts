import type { Logger } from '../logger.js';

/** Runs `stop` once on SIGINT/SIGTERM; a second signal exits at once. */
export function onShutdownSignal(log: Logger, stop: () => Promise<void>) {
  let stopping = false;
  const handler = (signal: string) => {
    if (stopping) process.exit(130);
    stopping = true;
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
