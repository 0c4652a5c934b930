import { defaultPayloadConverter } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connectDatabase, type Database } from '../../src/db/client.js';
import { taskWorkflowId } from '../../src/domain/tasks/workflow-id.js';
import { findFreePort } from '../../src/infra/temporal-dev-server.js';
import { startTaskWorkflow } from '../../src/temporal/start-task-workflow.js';
import { waitFor } from '../support/api-server.js';
import { TEST_PAYLOAD_CODEC } from '../support/payload-codec.js';
import { startTestWorker } from '../support/worker.js';

/**
 * A query that fails inside an activity reaches the workflow history without its parameters. The
 * worker connects as a role without privileges, so every query fails after its transaction began.
 */

const admin = connectDatabase(inject('databaseUrl'), { max: 1 });
let unprivileged: Database;
let worker: Awaited<ReturnType<typeof startTestWorker>> | undefined;
beforeAll(async () => {
  await admin.sql.unsafe(`DO $$ BEGIN CREATE ROLE artgen_no_rights LOGIN PASSWORD 'no-rights'; EXCEPTION WHEN duplicate_object THEN NULL; END $$`);
  const url = new URL(inject('databaseUrl'));
  url.username = 'artgen_no_rights';
  url.password = 'no-rights';
  unprivileged = connectDatabase(url.toString(), { max: 1 });
});
afterAll(async () => {
  await worker?.stop();
  await unprivileged?.close();
  await admin.close();
});

describe('activity failures from the database', () => {
  it("startTask's failed query is recorded with its SQL and cause, not its parameter values", async () => {
    worker = await startTestWorker(unprivileged, `http://127.0.0.1:${await findFreePort()}`);
    const taskId = 1_987_654_321;
    await startTaskWorkflow(worker.target, { id: taskId, accountId: 1, priority: 5 });
    const handle = worker.client.workflow.getHandle(taskWorkflowId(taskId));
    try {
      const failure = await waitFor('a failed startTask attempt', async () => {
        const d = await handle.describe();
        return d.raw.pendingActivities?.find((a) => a.lastFailure)?.lastFailure ?? undefined;
      });
      // The history keeps the message encrypted (failure converter + codec); the workers read it so.
      expect(failure.message).toBe('Encoded failure');
      const [attributes] = await TEST_PAYLOAD_CODEC.decode([failure.encodedAttributes!]);
      const { message } = defaultPayloadConverter.fromPayload<{ message: string }>(attributes!);
      expect(message).toContain('Failed query');
      expect(message).toContain('permission denied');
      expect(message).not.toContain('params');
      expect(message).not.toContain(String(taskId));
    } finally {
      await handle.terminate('test over');
    }
  });
});
