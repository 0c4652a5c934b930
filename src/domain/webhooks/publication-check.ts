import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { articleJsonLd, type JsonLdSource } from '../../shared/article-json-ld.js';

/** A publication prepared at its slot: its payload holds the article's content (before, only ids). */
export const PREPARED_PUBLICATION = sql`payload ? 'content'`;

interface DueRow extends Record<string, unknown> {
  status: string;
  generation: number;
  prepared: boolean;
  article_ref: unknown;
  article_id: number | null;
  deleted: boolean | null;
  review_status: string | null;
  same_approval: boolean | null;
}

/** Why a publication is not sent at its slot, or null when it is. */
function skipReason(r: DueRow): string | null {
  if (r.article_id === null || r.deleted) return `article ${String(r.article_ref)} was deleted before its slot`;
  if (r.review_status !== 'approved') return `article ${r.article_id} was ${r.review_status} at its slot`;
  if (!r.same_approval) return `article ${r.article_id} was approved again; that approval publishes it`;
  return null;
}

/**
 * At a publication's slot: is it still to be sent? Yes when its article is still approved by the same
 * approval (not reopened, rejected, deleted or approved anew, which has its own publication); then the
 * delivery's payload becomes the article as it now stands (edits after the approval are published), once,
 * so every attempt and redelivery sends the same bytes. Otherwise the delivery ends `skipped` with the
 * reason in last_error. A delivery already finished or replaced by a redelivery is `skipped` unchanged.
 */
export async function preparePublication(db: Db, id: number, generation: number): Promise<'due' | 'skipped'> {
  return db.transaction(async (tx) => {
    const [row] = await tx.execute<DueRow>(sql`
      SELECT d.status, d.generation, ${PREPARED_PUBLICATION} AS prepared, d.payload->'articleId' AS article_ref,
             a.id AS article_id, a.deleted_at IS NOT NULL AS deleted, a.review_status,
             a.reviewed_at IS NOT DISTINCT FROM (d.payload->>'approvedAt')::timestamptz AS same_approval
      FROM webhook_deliveries d
      LEFT JOIN articles a ON a.id = (d.payload->>'articleId')::int AND a.account_id = d.account_id
      WHERE d.id = ${id}
      FOR UPDATE OF d`);
    if (!row || row.generation !== generation || row.status !== 'pending') return 'skipped';
    if (row.prepared) return 'due';
    const reason = skipReason(row);
    if (reason !== null) {
      await tx.execute(sql`
        UPDATE webhook_deliveries SET status = 'skipped', last_error = ${reason}, completed_at = now(), updated_at = now() WHERE id = ${id}`);
      return 'skipped';
    }
    const [article] = await tx.execute<JsonLdSource & Record<string, unknown>>(sql`
      SELECT title, content, keyword, topics, image_url AS "imageUrl", created_at AS "createdAt", updated_at AS "updatedAt" FROM articles WHERE id = ${row.article_id}`);
    await tx.execute(sql`
      UPDATE webhook_deliveries d
      SET payload = jsonb_build_object('articleId', a.id, 'taskId', a.task_id, 'position', a.position, 'distillationId', a.distillation_id,
                                       'keyword', a.keyword, 'topics', a.topics, 'title', a.title, 'content', a.content, 'imageUrl', a.image_url,
                                       'reviewStatus', a.review_status, 'reviewedAt', a.reviewed_at, 'slot', d.not_before,
                                       'jsonLd', ${JSON.stringify(articleJsonLd(article!))}::jsonb),
          updated_at = now()
      FROM articles a
      WHERE d.id = ${id} AND a.id = ${row.article_id}`);
    return 'due';
  });
}
