import { Worker } from '@temporalio/worker';
import type { temporal } from '@temporalio/proto';
import { inject } from 'vitest';
import { TEST_PAYLOAD_CODEC } from './payload-codec.js';

/** Replays a history with the current workflow bundle, decoding payloads with the tests' codec. */
export function replayWithCurrentCode(history: temporal.api.history.v1.IHistory, workflowId: string) {
  return Worker.runReplayHistory({ workflowBundle: { codePath: inject('workflowBundlePath') }, dataConverter: { payloadCodecs: [TEST_PAYLOAD_CODEC] } }, history, workflowId);
}
