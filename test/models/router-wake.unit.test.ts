import { describe, expect, it } from 'vitest';
import { LlmError } from '../../src/llm/errors.js';
import { LocalWake } from '../../src/llm/models/wake.js';

describe('waiting for a model slot in this process', () => {
  it('wakes every waiter when a slot is given back, long before their poll', async () => {
    const wake = new LocalWake();
    const waiting = [wake.wait(60_000), wake.wait(60_000)];
    wake.notify();
    await expect(Promise.all(waiting)).resolves.toEqual([undefined, undefined]);
  });

  it('ends a wait with an aborted LlmError when the request is canceled, before or while it waits', async () => {
    const wake = new LocalWake();
    const canceled = new AbortController();
    const waiting = wake.wait(60_000, canceled.signal);
    canceled.abort(new Error('task canceled'));
    const err = await waiting.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LlmError);
    expect((err as LlmError).kind).toBe('aborted');
    const already = await wake.wait(60_000, canceled.signal).catch((e: unknown) => e);
    expect((already as LlmError).kind).toBe('aborted');
  });
});
