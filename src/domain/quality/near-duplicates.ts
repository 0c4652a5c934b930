import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { intArray } from '../../db/sql-int-array.js';

/** Bits in which the stored tagged band `i` (1-based in SQL) differs from `value`. */
const bandDistance = (i: number, value: number) => sql`bit_count(((simhash_bands[${sql.raw(String(i))}] # ${value}::int) & 65535)::bit(16))`;

/**
 * The account's live article nearest to a draft's SimHash among those sharing at least one band (the GIN
 * index on simhash_bands): every article within 3 bits shares one, so none of those is missed. Null
 * when no article shares a band. A soft-deleted article is no duplicate: it is gone for the account.
 * A few index probes and a handful of rows, whatever the article count (bench/near-duplicates.ts,
 * docs/benchmarks.md).
 */
export async function nearestArticle(db: DbOrTx, accountId: number, tagged: number[]): Promise<{ articleId: number; distance: number } | null> {
  const distance = sql.join(
    tagged.map((v, i) => bandDistance(i + 1, v)),
    sql` + `,
  );
  const rows = await db.execute<{ id: number; distance: number }>(sql`
    SELECT id, (${distance})::int AS distance
    FROM articles
    WHERE account_id = ${accountId} AND deleted_at IS NULL AND simhash_bands && ${intArray(tagged)}
    ORDER BY distance, id
    LIMIT 1`);
  const row = rows[0];
  return row ? { articleId: row.id, distance: row.distance } : null;
}
