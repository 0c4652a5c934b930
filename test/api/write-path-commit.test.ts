import { sql } from 'drizzle-orm';
import { afterAll, expect, it } from 'vitest';
import { commitWithoutFlushWait } from '../../src/db/commit-without-flush-wait.js';
import { recordAuditEvent } from '../../src/domain/accounts/index.js';
import { hitRateLimits } from '../../src/domain/limits/rate-limits.js';
import { newAccount, openTestDatabase } from '../support/db.js';

// One connection, so every statement below runs on the session the write path's statements used.
const database = openTestDatabase(1);
afterAll(() => database.close());

const setting = async () => (await database.db.execute<{ value: string }>(sql`SELECT current_setting('synchronous_commit') AS value`))[0]!.value;

it("the write path's rate-limit upsert commits without waiting for the disk and the audit insert as always, and the session keeps synchronous_commit on", async () => {
  const { accountId } = await newAccount(database);
  expect(await setting()).toBe('on');
  const [inside] = await database.db.execute<{ value: string }>(sql`SELECT current_setting('synchronous_commit') AS value FROM (SELECT 1) one WHERE ${commitWithoutFlushWait}`);
  expect(inside!.value).toBe('off');
  expect(await setting()).toBe('on');

  await recordAuditEvent(database.db, { accountId, keyPrefix: 'ak_test1', method: 'POST', route: '/api/distillations', status: 201, requestId: 'req-commit-1', clientIp: '127.0.0.1', targetIds: { id: 7 } });
  expect(await setting()).toBe('on');
  const rows = await database.db.execute(sql`SELECT account_id, key_prefix, method, route, status, target_ids, client_ip FROM audit_events WHERE request_id = 'req-commit-1'`);
  expect(rows).toEqual([{ account_id: accountId, key_prefix: 'ak_test1', method: 'POST', route: '/api/distillations', status: 201, target_ids: { id: 7 }, client_ip: '127.0.0.1' }]);

  const states = await hitRateLimits(database.db, [{ bucket: `commit-test:${accountId}`, limit: 2 }], 60);
  expect(states.map((s) => [s.allowed, s.remaining])).toEqual([[true, 1]]);
  expect(await setting()).toBe('on');
});
