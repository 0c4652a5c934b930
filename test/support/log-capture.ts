import { Writable } from 'node:stream';
import { createLogger } from '../../src/logger.js';

/** The project's logger writing into memory, so a test can read every line it would print. */
export function captureLogger() {
  const lines: string[] = [];
  let pending = '';
  const stream = new Writable({
    write(chunk, _enc, done) {
      pending += String(chunk);
      const parts = pending.split('\n');
      pending = parts.pop()!;
      lines.push(...parts.filter((l) => l !== ''));
      done();
    },
  });
  return { log: createLogger('info', stream), lines };
}
