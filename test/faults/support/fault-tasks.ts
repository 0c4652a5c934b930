import type { Database } from '../../../src/db/client.js';
import { TERMINAL_TASK_STATUSES } from '../../../src/db/schema.js';
import { callJson } from '../../support/api-server.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** POST a task until one answer is 201; 5xx and network errors (a dependency is down) are retried. */
export async function createTaskThroughOutages(url: string, key: string, body: Record<string, unknown>, stats: { retries: number }): Promise<number> {
  const deadline = Date.now() + 180_000;
  for (;;) {
    const reply = await callJson(url, 'POST', '/api/article-generation/tasks', key, body).catch((err: Error) => ({ status: 0, body: null, text: err.message }));
    if (reply.status === 201) return reply.body.taskId as number;
    if (reply.status !== 0 && reply.status < 500) throw new Error(`task creation answered ${reply.status}: ${reply.text}`);
    if (Date.now() > deadline) throw new Error(`task creation kept failing for 180 s, last: ${reply.status} ${reply.text}`);
    stats.retries++;
    await sleep(1_000);
  }
}

/** Waits until every task of the account is terminal (generous: a crash inside a 1-minute activity costs a minute). */
export async function waitForTerminalTasks(database: Database, accountId: number, ms = 10 * 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    const [row] = await database.sql`
      SELECT count(*)::int AS n FROM generation_tasks WHERE account_id = ${accountId} AND status <> ALL(${[...TERMINAL_TASK_STATUSES]})`;
    const open = row!.n as number;
    if (open === 0) return;
    if (Date.now() > deadline) throw new Error(`${open} tasks still not terminal ${ms / 60_000} minutes after the last fault`);
    await sleep(1_000);
  }
}
