import { Worker } from '@temporalio/worker';
import type { temporal } from '@temporalio/proto';
import { inject } from 'vitest';
import { encryptedDataConverter } from '../../src/temporal/data-converter.js';
import { TEST_REPLAY_CODEC } from './payload-codec.js';

/**
 * Replays a history with the current workflow bundle, decoding payloads with the tests' keys; the plain
 * payloads of fixtures recorded before encryption pass (the workers refuse them).
 */
export function replayWithCurrentCode(history: temporal.api.history.v1.IHistory, workflowId: string) {
  return Worker.runReplayHistory({ workflowBundle: { codePath: inject('workflowBundlePath') }, dataConverter: encryptedDataConverter(TEST_REPLAY_CODEC) }, history, workflowId);
}
