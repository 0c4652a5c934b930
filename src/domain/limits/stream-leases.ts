import { randomUUID } from 'node:crypto';
import { inArray, sql } from 'drizzle-orm';
import type { LimitDefaults } from '../../config.js';
import type { Db, DbOrTx } from '../../db/client.js';
import { eventStreamLeases } from '../../db/schema.js';
import { ADVISORY_LOCK } from '../../db/advisory-locks.js';

export type StreamCaps = Pick<LimitDefaults, 'streamsPerKey' | 'streamsPerAccount' | 'streamLeaseSeconds'>;

const ADVISORY_STREAM_LEASE_CLASS = ADVISORY_LOCK.streamLeases;

export type StreamLease = { ok: true; id: string } | { ok: false; scope: 'key' | 'account'; limit: number };

/**
 * Takes a lease for one open event stream of `keyId` unless the key or its account already holds its cap
 * of live leases. The account's advisory lock makes count-then-insert atomic across API processes;
 * expired leases (of a process that died without releasing them) are deleted on the way and never count.
 */
export async function acquireStreamLease(db: Db, caps: StreamCaps, accountId: number, keyId: number): Promise<StreamLease> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`SELECT pg_advisory_xact_lock(${ADVISORY_STREAM_LEASE_CLASS}, ${accountId})`);
    await tx.execute(sql`DELETE FROM event_stream_leases WHERE account_id = ${accountId} AND expires_at <= now()`);
    const [open] = await tx.execute<{ account: number; key: number }>(sql`
      SELECT count(*)::int AS account, count(*) FILTER (WHERE key_id = ${keyId})::int AS key
      FROM event_stream_leases WHERE account_id = ${accountId}`);
    if (open!.key >= caps.streamsPerKey) return { ok: false, scope: 'key', limit: caps.streamsPerKey };
    if (open!.account >= caps.streamsPerAccount) return { ok: false, scope: 'account', limit: caps.streamsPerAccount };
    const id = randomUUID();
    await tx.insert(eventStreamLeases).values({ id, accountId, keyId, expiresAt: sql`now() + make_interval(secs => ${caps.streamLeaseSeconds})` });
    return { ok: true, id };
  });
}

/** Extends the leases of streams still open: one statement for all of a process's streams. */
export async function renewStreamLeases(db: DbOrTx, ids: string[], leaseSeconds: number) {
  if (ids.length === 0) return;
  await db
    .update(eventStreamLeases)
    .set({ expiresAt: sql`now() + make_interval(secs => ${leaseSeconds})` })
    .where(inArray(eventStreamLeases.id, ids));
}

/** Frees the slot of a closed stream. */
export async function releaseStreamLease(db: DbOrTx, id: string) {
  await db.delete(eventStreamLeases).where(inArray(eventStreamLeases.id, [id]));
}
