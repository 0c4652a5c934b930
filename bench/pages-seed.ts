// Rows for the console page bench (bench/pages.ts), inserted straight into the schema's tables: one
// account with 10,000 tasks of mixed age and state (with their items and task-level events, most of them
// read), one task with 100 saved articles, and the dashboard's and audit page's rows.
import type { Sql } from 'postgres';
import { NOTIFICATION_TYPES } from '../src/shared/events/index.js';

export const TASKS = 10_000;
export const BIG_TASK_ARTICLES = 100;
const DISTILLATIONS = 300;
/** Notifications newer than this many tasks' events stay unread: the badge counts a few hundred. */
const UNREAD_TASKS = 150;

/**
 * Statuses by share, roughly what a team's history looks like: mostly completed, a few failed,
 * canceled or timed out, and the newest 5 % still running or waiting.
 */
const STATUS_OF = `CASE WHEN g > ${TASKS} * 0.97 THEN 'pending' WHEN g > ${TASKS} * 0.95 THEN 'running'
  WHEN g % 23 = 0 THEN 'failed' WHEN g % 31 = 0 THEN 'canceled' WHEN g % 97 = 0 THEN 'timeout' ELSE 'completed' END`;

const ARTICLE_PARAGRAPH =
  '内容营销的关键是持续输出对读者有用的信息。Content that answers the questions people actually ask is cited by AI assistants. ';

/** Inserts everything; returns the big task's id. */
export async function seedPages(sql: Sql, accountId: number): Promise<{ bigTaskId: number; seedMs: number }> {
  const started = performance.now();
  const firstRows = await sql<{ first: number }[]>`
    WITH d AS (
      INSERT INTO distillations (account_id, keyword, topic_count)
      SELECT ${accountId}, CASE WHEN g % 2 = 0 THEN '关键词 ' || g ELSE 'keyword ' || g END, 2
      FROM generate_series(1, ${DISTILLATIONS}) g RETURNING id)
    SELECT min(id) AS first FROM d`;
  const first = firstRows[0]!.first;
  await sql`
    INSERT INTO topics (distillation_id, question, position)
    SELECT id, 'Question ' || p || ' about ' || keyword || '?', p FROM distillations, generate_series(0, 1) p WHERE account_id = ${accountId}`;

  // One task every 13 minutes back from now, 1-10 articles each, distillations in rotation.
  await sql.unsafe(
    `INSERT INTO generation_tasks (account_id, selected_distillation_ids, requested_count, generated_count, failed_count,
       progress, status, priority, workflow_id, provider, model, prompt_tokens, completion_tokens,
       submitted_at, started_at, completed_at, created_at, updated_at, error_message)
     SELECT $1, to_jsonb(ARRAY(SELECT $2::int + ((g * 7 + k) % ${DISTILLATIONS}) FROM generate_series(0, n - 1) k)), n,
       done, failed, CASE WHEN status = 'completed' THEN 100 ELSE (100 * (done + failed) / n) END,
       status, 1 + g % 10, 'article-task-' || g, 'openai', 'gpt-4o-mini', done * 900, done * 1400,
       at, at + interval '2 seconds', CASE WHEN status IN ('pending', 'running') THEN NULL ELSE at + interval '3 minutes' END,
       at, at + interval '3 minutes', CASE WHEN status = 'failed' THEN 'All 1 articles failed: provider returned 503' END
     FROM (SELECT g, n, status, now() - (${TASKS} - g) * interval '13 minutes' AS at,
             CASE status WHEN 'completed' THEN n WHEN 'pending' THEN 0 WHEN 'failed' THEN 0 ELSE n / 2 END AS done,
             CASE status WHEN 'failed' THEN n ELSE 0 END AS failed
           FROM (SELECT g, 1 + (g * 7) % 10 AS n, ${STATUS_OF} AS status FROM generate_series(1, ${TASKS}) g) s) t`,
    [accountId, first],
  );
  await sql`
    INSERT INTO task_items (task_id, position, distillation_id, state, attempts, error)
    SELECT t.id, p, (t.selected_distillation_ids ->> p)::int,
      CASE WHEN p < t.generated_count THEN 'saved' WHEN t.status IN ('pending', 'running') THEN 'reserved' ELSE 'failed' END,
      CASE WHEN p < t.generated_count OR t.status IN ('pending', 'running') THEN 1 ELSE 3 END,
      CASE WHEN p >= t.generated_count AND t.status NOT IN ('pending', 'running') THEN 'provider returned 503' END
    FROM generation_tasks t, generate_series(0, t.requested_count - 1) p WHERE t.account_id = ${accountId}`;
  // Started, one progress and one final event per task; all but the newest tasks' read.
  const types = NOTIFICATION_TYPES.filter((type) => type !== 'review.needed');
  await sql`
    INSERT INTO task_events (account_id, task_id, type, data, created_at, read_at)
    SELECT ${accountId}, t.id, e.type, jsonb_build_object('requestedCount', t.requested_count, 'generatedCount', t.generated_count, 'progress', t.progress),
      t.created_at, CASE WHEN t.id <= (SELECT max(id) FROM generation_tasks) - ${UNREAD_TASKS} THEN t.updated_at END
    FROM generation_tasks t CROSS JOIN LATERAL (VALUES ('task.started'), ('task.progress'), ('task.' || t.status)) e(type)
    WHERE t.account_id = ${accountId} AND e.type = ANY(${types})`;

  const bigRows = await sql<{ id: number }[]>`
    INSERT INTO generation_tasks (account_id, selected_distillation_ids, requested_count, generated_count, progress, status,
      workflow_id, provider, model, prompt_tokens, completion_tokens, started_at, completed_at)
    VALUES (${accountId}, ${JSON.stringify(Array.from({ length: BIG_TASK_ARTICLES }, (_, i) => first + i))}::jsonb, ${BIG_TASK_ARTICLES},
      ${BIG_TASK_ARTICLES}, 100, 'completed', 'article-task-big', 'openai', 'gpt-4o-mini', ${BIG_TASK_ARTICLES * 900},
      ${BIG_TASK_ARTICLES * 1400}, now(), now())
    RETURNING id`;
  const bigTaskId = bigRows[0]!.id;
  await sql`
    INSERT INTO articles (account_id, task_id, position, distillation_id, keyword, topics, title, content, review_status,
      provider, model, prompt_tokens, completion_tokens, duration_ms)
    SELECT ${accountId}, ${bigTaskId}, p, d.id, d.keyword, '["Question 0?","Question 1?"]'::jsonb,
      '文章 ' || p || ': ' || d.keyword || ' explained', repeat(${ARTICLE_PARAGRAPH}, 25),
      CASE WHEN p % 3 = 0 THEN 'approved' ELSE 'pending_review' END, 'openai', 'gpt-4o-mini', 850 + p, 1300 + p * 3, 9000 + p * 37
    FROM generate_series(0, ${BIG_TASK_ARTICLES - 1}) p JOIN distillations d ON d.id = ${first} + p`;
  await sql`
    INSERT INTO task_items (task_id, position, distillation_id, state, attempts, article_id)
    SELECT task_id, position, distillation_id, 'saved', 1, id FROM articles WHERE task_id = ${bigTaskId}`;
  await sql`
    UPDATE distillations d SET reserved_count = r.n
    FROM (SELECT distillation_id, count(*)::int AS n FROM task_items WHERE state = 'reserved' GROUP BY 1) r WHERE r.distillation_id = d.id`;
  // The dashboard's rows (bench/pages.ts): an article per saved item of the last 14 days' tasks (every tenth
  // flagged), a request to a model per finished item of every task, and 30,000 audit events over the 90 days.
  await sql`
    INSERT INTO articles (account_id, task_id, position, distillation_id, keyword, topics, title, content, review_status,
      provider, model, prompt_tokens, completion_tokens, duration_ms, quality_flags, created_at)
    SELECT ${accountId}, t.id, i.position, i.distillation_id, 'keyword', '["Question 0?"]'::jsonb, 'Title ' || t.id || '.' || i.position,
      ${ARTICLE_PARAGRAPH}, CASE WHEN i.position % 2 = 0 THEN 'approved' ELSE 'pending_review' END, 'openai', 'gpt-4o-mini', 900, 1400, 9000,
      CASE WHEN (t.id + i.position) % 10 = 0 THEN '[{"check":"min_length","reason":"short"}]'::jsonb ELSE '[]'::jsonb END,
      t.created_at + interval '1 minute'
    FROM generation_tasks t JOIN task_items i ON i.task_id = t.id
    WHERE t.account_id = ${accountId} AND t.id <> ${bigTaskId} AND i.state = 'saved' AND t.created_at >= now() - interval '14 days'`;
  await sql`
    INSERT INTO llm_attempts (account_id, task_id, position, model_id, outcome, error_kind, prompt_tokens, completion_tokens, cost_pico, duration_ms, created_at)
    SELECT ${accountId}, t.id, i.position, CASE WHEN i.position % 3 = 0 THEN 'deepseek-chat' ELSE 'gpt-4o-mini' END,
      CASE WHEN i.state = 'saved' THEN 'ok' ELSE 'failed' END, CASE WHEN i.state = 'saved' THEN NULL ELSE 'http' END,
      900, CASE WHEN i.state = 'saved' THEN 1400 ELSE 0 END, 900 * 150000 + 1400 * 600000, 9000, t.created_at + interval '1 minute'
    FROM generation_tasks t JOIN task_items i ON i.task_id = t.id
    WHERE t.account_id = ${accountId} AND i.state IN ('saved', 'failed')`;
  await sql`
    INSERT INTO audit_events (created_at, account_id, key_prefix, method, route, target_ids, status, request_id, client_ip)
    SELECT now() - g * interval '4 minutes', ${accountId}, 'ak_bench' || (g % 3), CASE WHEN g % 5 = 0 THEN 'DELETE' ELSE 'POST' END,
      CASE WHEN g % 2 = 0 THEN '/api/distillations' ELSE '/api/article-generation/tasks' END, jsonb_build_object('id', g),
      CASE WHEN g % 17 = 0 THEN 400 WHEN g % 101 = 0 THEN 500 ELSE 201 END, 'req-' || g, '127.0.0.1'
    FROM generate_series(1, 30000) g`;
  // As autovacuum leaves a table after a burst of inserts: statistics and a visibility map (index-only counts).
  await sql`VACUUM ANALYZE`;
  return { bigTaskId, seedMs: performance.now() - started };
}
