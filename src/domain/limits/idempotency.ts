import { and, eq, lt, sql } from 'drizzle-orm';
import type { DbOrTx, Tx } from '../../db/client.js';
import { generationTasks, idempotencyKeys } from '../../db/schema.js';
import { conflict } from '../errors.js';

/** How long a key keeps its first answer (Stripe's 24 hours). */
export const IDEMPOTENCY_KEY_TTL_HOURS = 24;

export interface IdempotencyScope {
  accountId: number;
  key: string;
  /** Identifies the request (method, path, parsed body): the same key with another request is refused. */
  fingerprint: string;
}

/** The answer a request gave, as stored for its replays. */
export interface RecordedResponse {
  status: number;
  body: Record<string, unknown>;
  /** The task or schedule the request created or changed. */
  resourceId: number;
}

class KeyAlreadyRecorded extends Error {}

/**
 * Claims the key inside the transaction of the work itself: the key row, the work's writes (the task
 * and its reservations) and the answer commit together or not at all. A parallel request with the
 * same key waits on the uncommitted key row, then finds it and gets the first answer (`replayed`);
 * if the first rolled back, it runs the work itself. Errors are not recorded: a failed request
 * reserved nothing, so its repeat simply runs again.
 */
export async function runIdempotent(
  db: DbOrTx,
  scope: IdempotencyScope,
  work: (tx: Tx) => Promise<RecordedResponse>,
): Promise<RecordedResponse & { replayed: boolean }> {
  for (;;) {
    try {
      return await db.transaction(async (tx) => {
        const claimed = await tx.execute(sql`
          INSERT INTO idempotency_keys (account_id, key, fingerprint) VALUES (${scope.accountId}, ${scope.key}, ${scope.fingerprint})
          ON CONFLICT (account_id, key) DO UPDATE
            SET fingerprint = excluded.fingerprint, created_at = now(), response_status = NULL, response_body = NULL, resource_id = NULL
            WHERE idempotency_keys.created_at < now() - make_interval(hours => ${IDEMPOTENCY_KEY_TTL_HOURS})
          RETURNING 1`);
        if (claimed.length === 0) throw new KeyAlreadyRecorded();
        const response = await work(tx);
        await tx
          .update(idempotencyKeys)
          .set({ responseStatus: response.status, responseBody: response.body, resourceId: response.resourceId })
          .where(and(eq(idempotencyKeys.accountId, scope.accountId), eq(idempotencyKeys.key, scope.key)));
        await tx
          .delete(idempotencyKeys)
          .where(
            and(
              eq(idempotencyKeys.accountId, scope.accountId),
              lt(idempotencyKeys.createdAt, sql`now() - make_interval(hours => ${IDEMPOTENCY_KEY_TTL_HOURS})`),
            ),
          );
        return { ...response, replayed: false };
      });
    } catch (err) {
      if (!(err instanceof KeyAlreadyRecorded)) throw err;
    }
    const [row] = await db
      .select()
      .from(idempotencyKeys)
      .where(and(eq(idempotencyKeys.accountId, scope.accountId), eq(idempotencyKeys.key, scope.key)));
    // Forgotten in between (its task could not start): claim it again.
    if (!row) continue;
    if (row.fingerprint !== scope.fingerprint) {
      throw conflict(
        'IDEMPOTENCY_KEY_REUSED',
        'This Idempotency-Key was already used with another request (a different path or body) in the last 24 hours. Send a new key for a new request.',
        { key: scope.key },
      );
    }
    return { status: row.responseStatus!, body: row.responseBody!, resourceId: row.resourceId!, replayed: true };
  }
}

/** Forgets a key whose request failed after its commit (the workflow could not start), so a repeat runs again. */
export async function forgetIdempotencyKey(db: DbOrTx, scope: IdempotencyScope) {
  await db.delete(idempotencyKeys).where(and(eq(idempotencyKeys.accountId, scope.accountId), eq(idempotencyKeys.key, scope.key)));
}

/**
 * The task of a recorded creation or retry when it is still pending: its workflow may not have
 * started (the first request's process died between the commit and the start), so the caller starts it.
 */
export async function pendingTask(db: DbOrTx, taskId: number) {
  const [task] = await db
    .select({ id: generationTasks.id, accountId: generationTasks.accountId, priority: generationTasks.priority, createdAt: generationTasks.createdAt })
    .from(generationTasks)
    .where(and(eq(generationTasks.id, taskId), eq(generationTasks.status, 'pending')));
  return task;
}
