import { LlmError } from '../errors.js';

/** Requests of this process waiting for a model's slot: a slot given back here wakes them at once, another worker's after a poll. */
export class LocalWake {
  private readonly waiting = new Set<() => void>();

  notify(): void {
    for (const resolve of [...this.waiting]) resolve();
  }

  /** Resolves after `ms` or at the next notify; rejects with an 'aborted' LlmError when `signal` aborts. */
  wait(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      const cleanup = () => {
        clearTimeout(timer);
        this.waiting.delete(done);
        signal?.removeEventListener('abort', abort);
      };
      const done = () => {
        cleanup();
        resolve();
      };
      const abort = () => {
        cleanup();
        reject(new LlmError('aborted', 'LLM request aborted by caller while it waited for a model', { cause: signal?.reason }));
      };
      const timer = setTimeout(done, Math.max(0, ms));
      this.waiting.add(done);
      if (signal?.aborted) abort();
      else signal?.addEventListener('abort', abort, { once: true });
    });
  }
}
