import { sql } from 'drizzle-orm';

/**
 * A condition that always holds and makes the statement's own (implicit) transaction commit without
 * waiting for its WAL to reach the disk (`synchronous_commit = off`, for this transaction only). For rows
 * whose loss in a database crash costs nothing that matters (a rate-limit bucket's last few hundred ms)
 * on the hot path of every write, where waiting for a flush costs milliseconds. The next synchronous
 * commit, or the WAL writer within about 200 ms, flushes them anyway; there is never an inconsistency, at
 * worst the newest such rows are missing after a crash. Only for a statement outside a transaction block
 * (a plain `Db`): inside one it would loosen the whole transaction's commit.
 *
 * @example sql`INSERT INTO t (a) SELECT ${a} WHERE ${commitWithoutFlushWait}`
 */
export const commitWithoutFlushWait = sql`set_config('synchronous_commit', 'off', true) = 'off'`;
