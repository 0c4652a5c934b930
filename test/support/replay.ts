import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import proto from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import type { temporal } from '@temporalio/proto';
import { inject } from 'vitest';
import { encryptedDataConverter } from '../../src/temporal/data-converter.js';
import { TEST_REPLAY_CODEC } from './payload-codec.js';

const FIXTURES = path.resolve(import.meta.dirname, '../fixtures/histories');

/**
 * Replays a history with a workflow bundle (the test run's, which workers load, unless `codePath` names
 * another), decoding payloads with the tests' keys; the plain payloads of fixtures recorded before
 * encryption pass (the workers refuse them).
 */
export function replayWithCurrentCode(history: temporal.api.history.v1.IHistory, workflowId: string, codePath = inject('workflowBundlePath')) {
  return Worker.runReplayHistory({ workflowBundle: { codePath }, dataConverter: encryptedDataConverter(TEST_REPLAY_CODEC) }, history, workflowId);
}

/** Replays every recorded history in test/fixtures/histories with the bundle at `codePath`; resolves with how many there were, how many were encrypted and how many traced. */
export async function replayRecordedHistories(codePath = inject('workflowBundlePath')) {
  const files = (await readdir(FIXTURES)).filter((f) => f.endsWith('.json'));
  let encrypted = 0;
  let traced = 0;
  for (const file of files) {
    // protobufjs JSON (as fetchHistory's result serializes), read back into a History message.
    const json = await readFile(path.join(FIXTURES, file), 'utf8');
    if (json.includes(Buffer.from('binary/encrypted').toString('base64'))) encrypted++;
    // Started by a traced client: the workflow's OpenTelemetry interceptors ran (test/infra/tracing.test.ts).
    if (json.includes('"_tracer-data"')) traced++;
    const history = proto.temporal.api.history.v1.History.fromObject(JSON.parse(json));
    // Encrypted fixtures need the test keys; plain ones (recorded before encryption) pass the replay codec.
    await replayWithCurrentCode(history, file, codePath);
  }
  return { replayed: files.length, encrypted, traced };
}
