import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { AppError } from '../errors.js';
import { intArray } from '../../db/sql-int-array.js';
import { articlesFlagged, articlesSaved } from '../../infra/metrics/registry.js';
import { PROGRESS_MILESTONES, TASK_EVENTS_CHANNEL } from './task-events.js';
import { claimPublicationSlots, NEW_MESSAGE_ID, publicationStub } from '../webhooks/index.js';

import type { ArticleDraft } from '../../shared/task-shapes.js';

export type { ArticleDraft };

/** Milestones as a SQL int[] literal built from the one list in task-events.ts. */
const MILESTONES = sql`ARRAY[${sql.join(
  PROGRESS_MILESTONES.map((m) => sql`${m}::int`),
  sql`, `,
)}]`;

/**
 * Saves article `position` of a task, idempotently and atomically: the article, its usage row,
 * usage_count +1 and reserved_count -1, the album image's use, the item marked saved, the task counters,
 * an article.saved event (and task.progress when a milestone is crossed) with their NOTIFY, and the
 * webhook deliveries of article.saved / article.approved, and of article.published in the account's
 * next publication slot when it publishes on approval (`webhookDeliveries` counts them). Run twice
 * (an activity retry after a commit, a workflow reset), the second run changes nothing and returns the
 * same article id.
 *
 * It is one statement, one round trip. Saves of one task meet on the task row (its counters, and the
 * event ids that must be committed in order for Last-Event-ID replay); as a single statement that row
 * is held only while PostgreSQL executes and commits it, never across a round trip to this process.
 * Lock order is every task writer's: the task row, then the item, then the distillation; the account's
 * publishing row last (as in a review: articles, then that row).
 */
export async function saveGeneratedArticle(db: Db, taskId: number, position: number, draft: ArticleDraft) {
  const flags = draft.qualityFlags ?? [];
  // A flagged article always waits for a person, whatever the task's auto-approve says.
  const approved = draft.autoApprove && flags.length === 0;
  const reviewStatus = approved ? 'approved' : 'pending_review';
  const reviewReason = flags.length > 0 ? `quality check: ${[...new Set(flags.map((f) => f.check))].join(', ')}` : null;
  const spent = draft.counted ? { promptTokens: 0, completionTokens: 0, durationMs: 0 } : draft;
  const rows = await db.execute<SaveRow>(sql`
    WITH task_row AS (
      -- The task row first, like every writer of a task (lockTask, retry): the same order everywhere
      -- is what keeps a save racing a cancel or a failure mark free of deadlocks.
      SELECT id, account_id FROM generation_tasks WHERE id = ${taskId} FOR NO KEY UPDATE
    ),
    item AS (
      -- Joined to task_row, so the item is locked only once the task row is held.
      SELECT ti.distillation_id, ti.state, ti.article_id, t.account_id, ti.attempts_duration_ms, ti.first_attempt_at,
             (ti.state IN ('failed', 'skipped'))::int AS was_done
      FROM task_items ti JOIN task_row t ON t.id = ti.task_id
      WHERE ti.task_id = ${taskId} AND ti.position = ${position}
      FOR UPDATE OF ti
    ),
    ins AS (
      INSERT INTO articles (account_id, task_id, position, distillation_id, keyword, topics, title, content, image_url,
                            template_id, template_revision, review_status, provider, model, prompt_tokens, completion_tokens, duration_ms,
                            attempts_duration_ms, wall_duration_ms, quality_flags, quality_scores, simhash_bands)
      SELECT account_id, ${taskId}, ${position}, distillation_id, ${draft.keyword}, ${JSON.stringify(draft.topics)}::jsonb,
             ${draft.title}, ${draft.content}, ${draft.imageUrl},
             -- The revision the task pinned is the one generateArticle rendered.
             (SELECT template_id FROM generation_tasks WHERE id = ${taskId}), (SELECT template_revision FROM generation_tasks WHERE id = ${taskId}),
             ${reviewStatus},
             ${draft.provider}, ${draft.model}, ${draft.promptTokens}::int, ${draft.completionTokens}::int, ${draft.durationMs}::int,
             -- Every attempt's time (the item's, and this draft's unless counted when refused), and the wall
             -- time since the first attempt started (null for an item started before it was kept).
             item.attempts_duration_ms + ${Math.round(spent.durationMs)}::int,
             (extract(epoch FROM now() - item.first_attempt_at) * 1000)::int,
             ${JSON.stringify(flags)}::jsonb, ${draft.qualityScores ? JSON.stringify(draft.qualityScores) : null}::jsonb,
             ${draft.simhashBands ? intArray(draft.simhashBands) : null}
      FROM item
      WHERE NOT (item.state = 'saved' AND item.article_id IS NOT NULL)
      ON CONFLICT (task_id, position) DO NOTHING
      RETURNING id
    ),
    knowledge_used AS (
      -- The chunks the prompt carried; one deleted since retrieval is recorded without its link.
      INSERT INTO article_knowledge_chunks (article_id, rank, chunk_id, document_id, document_title, position, score)
      SELECT ins.id, k.rank, (SELECT c.id FROM knowledge_chunks c WHERE c.id = k.chunk_id), k.document_id, k.document_title, k.position, k.score
      FROM ins, jsonb_to_recordset(${knowledgeRows(draft)}::jsonb) AS k(rank int, chunk_id int, document_id int, document_title text, position int, score real)
    ),
    usage_row AS (
      INSERT INTO distillation_usage (distillation_id, task_id, position, article_id)
      SELECT item.distillation_id, ${taskId}, ${position}, ins.id FROM ins, item
    ),
    distillation AS (
      -- An item released or failed earlier (a reset workflow re-running it) holds no reservation to give back.
      UPDATE distillations d
      SET usage_count = d.usage_count + 1,
          reserved_count = d.reserved_count - (item.state = 'reserved')::int,
          updated_at = now()
      FROM ins, item WHERE d.id = item.distillation_id
    ),
    image AS (
      UPDATE album_images a SET usage_count = a.usage_count + 1 FROM ins WHERE a.id = ${draft.imageId}::int
    ),
    saved_item AS (
      UPDATE task_items ti SET state = 'saved', article_id = ins.id, error = NULL, updated_at = now()
      FROM ins WHERE ti.task_id = ${taskId} AND ti.position = ${position}
    ),
    task AS (
      UPDATE generation_tasks g SET
        generated_count = g.generated_count + 1,
        flagged_count = g.flagged_count + ${flags.length > 0 ? 1 : 0}::int,
        failed_count = g.failed_count - (item.state = 'failed')::int,
        skipped_count = g.skipped_count - (item.state = 'skipped')::int,
        progress = LEAST(100, (100 * (g.generated_count + g.failed_count + g.skipped_count + 1 - item.was_done)) / GREATEST(g.requested_count, 1)),
        prompt_tokens = g.prompt_tokens + ${spent.promptTokens}::int,
        completion_tokens = g.completion_tokens + ${spent.completionTokens}::int,
        provider = ${draft.provider},
        model = ${draft.model},
        updated_at = now()
      FROM ins, item WHERE g.id = ${taskId}
      RETURNING g.progress,
        LEAST(100, (100 * (g.generated_count + g.failed_count + g.skipped_count - 1 + item.was_done)) / GREATEST(g.requested_count, 1)) AS progress_before,
        jsonb_build_object('requestedCount', g.requested_count, 'generatedCount', g.generated_count, 'failedCount', g.failed_count,
                           'skippedCount', g.skipped_count, 'progress', g.progress) AS counters
    ),
    events AS (
      INSERT INTO task_events (account_id, task_id, type, data)
      SELECT item.account_id, ${taskId}, e.type, e.data
      FROM item, (
        SELECT 1 AS ord, 'article.saved' AS type,
               jsonb_build_object('articleId', ins.id, 'position', ${position}::int, 'title', ${draft.title}::text,
                                  'promptTokens', ${draft.promptTokens}::int, 'completionTokens', ${draft.completionTokens}::int) || task.counters AS data
        FROM ins, task
        UNION ALL
        SELECT 2, 'task.progress', jsonb_build_object('milestone', m.milestone) || task.counters
        FROM task, LATERAL (SELECT max(x) AS milestone FROM unnest(${MILESTONES}) x WHERE task.progress_before < x AND task.progress >= x) m
        WHERE m.milestone IS NOT NULL
      ) e
      ORDER BY e.ord
      RETURNING id, task_id, account_id
    ),
    hooks AS (
      -- The webhook outbox, in the save's own statement: article.saved (with why it waits for review when flagged),
      -- and article.approved when the task auto-approves an unflagged article.
      INSERT INTO webhook_deliveries (account_id, webhook_id, message_id, event_type, payload)
      SELECT w.account_id, w.id, ${NEW_MESSAGE_ID}, e.type,
             jsonb_build_object('articleId', ins.id, 'taskId', ${taskId}::int, 'position', ${position}::int, 'title', ${draft.title}::text,
                                'keyword', ${draft.keyword}::text, 'reviewStatus', ${reviewStatus}::text)
             || CASE WHEN ${reviewReason}::text IS NULL THEN '{}'::jsonb ELSE jsonb_build_object('reviewReason', ${reviewReason}::text) END
      FROM ins, item, webhooks w, (VALUES ('article.saved'), ('article.approved')) e(type)
      WHERE w.account_id = item.account_id AND w.deleted_at IS NULL AND e.type = ANY(w.events)
        AND (e.type = 'article.saved' OR ${approved}::boolean)
      RETURNING id
    ),
    -- Publish on approval: an auto-approved (so unflagged) article takes the account's next publication slot.
    publication_slot AS (${claimPublicationSlots(sql`item.account_id`, sql`1`, { from: sql`, ins, item`, where: sql`${approved}::boolean` })}),
    publication AS (
      INSERT INTO webhook_deliveries (account_id, webhook_id, message_id, event_type, payload, not_before)
      SELECT s.account_id, s.webhook_id, ${NEW_MESSAGE_ID}, 'article.published', ${publicationStub(sql`ins.id`, sql`NULL::timestamptz`)}, s.last_slot
      FROM publication_slot s, ins
      RETURNING id
    )
    SELECT (SELECT state FROM item) AS state,
           (SELECT article_id FROM item) AS existing_id,
           (SELECT id FROM ins) AS article_id,
           ((SELECT count(*) FROM hooks) + (SELECT count(*) FROM publication))::int AS webhook_deliveries,
           (SELECT count(pg_notify(${TASK_EVENTS_CHANNEL}, json_build_object('id', id, 'taskId', task_id, 'accountId', account_id)::text)) FROM events)::int AS notified`);
  const row = rows[0]!;
  if (row.state === null) throw new AppError(404, 'NOT_FOUND', `task ${taskId} has no article at position ${position}`);
  if (row.article_id !== null) {
    articlesSaved.inc();
    if (flags.length > 0) articlesFlagged.inc();
    return { articleId: row.article_id, inserted: true, webhookDeliveries: row.webhook_deliveries };
  }
  if (row.state === 'saved' && row.existing_id !== null) return { articleId: row.existing_id, inserted: false, webhookDeliveries: 0 };
  throw new AppError(409, 'ARTICLE_EXISTS', `an article for task ${taskId} position ${position} exists but its item is ${row.state}`);
}

/** The draft's knowledge chunks as rows of article_knowledge_chunks (JSON for jsonb_to_recordset). */
const knowledgeRows = (draft: ArticleDraft) =>
  JSON.stringify(
    (draft.knowledgeChunks ?? []).map((c, rank) => ({ rank, chunk_id: c.chunkId, document_id: c.documentId, document_title: c.documentTitle, position: c.position, score: c.score })),
  );

interface SaveRow extends Record<string, unknown> {
  state: string | null;
  existing_id: number | null;
  article_id: number | null;
  webhook_deliveries: number;
  notified: number;
}
