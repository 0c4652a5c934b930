import { sql, type SQL } from 'drizzle-orm';
import type { Tx } from '../../db/client.js';
import { intArray } from '../../db/sql-int-array.js';
import { NEW_MESSAGE_ID } from './outbox.js';

/**
 * Claims `count` consecutive publication slots of an account: the first at max(now, last slot +
 * interval), the others one interval apart, and moves the last slot to the last one claimed. It is an
 * UPDATE of the account's publishing_settings row, so it takes that row's lock: concurrent approvals
 * (in any API process or worker) queue on it, and each sees the slot the one before it committed. No
 * row, or its webhook deleted: no slot. Returns `last_slot` and `step`: slot i (1-based) is
 * `last_slot - (count - i) * step`.
 *
 * `from` and `where` join the claim to its cause (the save's CTEs); the save claims inside its one statement.
 */
export const claimPublicationSlots = (accountId: SQL, count: SQL, o: { from?: SQL; where?: SQL } = {}) => sql`
  UPDATE publishing_settings p
  SET last_slot_at = GREATEST(now(), p.last_slot_at + make_interval(secs => p.interval_seconds))
                     + (${count} - 1) * make_interval(secs => p.interval_seconds),
      updated_at = now()
  FROM webhooks w${o.from ?? sql``}
  WHERE p.account_id = ${accountId} AND w.id = p.webhook_id AND w.deleted_at IS NULL AND ${o.where ?? sql`TRUE`}
  RETURNING p.account_id, p.webhook_id, p.last_slot_at AS last_slot, make_interval(secs => p.interval_seconds) AS step`;

/**
 * What a publication carries until its slot: the article and the approval it publishes. At the slot it
 * is replaced by the article as it then stands (publication-check.ts).
 */
export const publicationStub = (articleId: SQL, approvedAt: SQL) => sql`jsonb_build_object('articleId', ${articleId}, 'approvedAt', ${approvedAt})`;

/**
 * `article.published` for each of these just approved articles of the account, in this order, in the
 * approval's transaction: one delivery to the publishing webhook each, slotted one interval apart after
 * the account's last slot. Nothing when the account does not publish. Returns the deliveries' ids.
 */
export async function enqueuePublications(tx: Tx, accountId: number, articleIds: number[]): Promise<number[]> {
  if (articleIds.length === 0) return [];
  const n = sql`${articleIds.length}::int`;
  const rows = await tx.execute<{ id: number }>(sql`
    WITH slot AS (${claimPublicationSlots(sql`${accountId}::int`, n)})
    INSERT INTO webhook_deliveries (account_id, webhook_id, message_id, event_type, payload, not_before)
    SELECT slot.account_id, slot.webhook_id, ${NEW_MESSAGE_ID}, 'article.published',
           ${publicationStub(sql`a.id`, sql`a.reviewed_at`)}, slot.last_slot - (${n} - u.ord::int) * slot.step
    FROM slot, unnest(${intArray(articleIds)}) WITH ORDINALITY u(id, ord)
    JOIN articles a ON a.id = u.id AND a.account_id = ${accountId}
    ORDER BY u.ord
    RETURNING id`);
  return rows.map((r) => r.id);
}
