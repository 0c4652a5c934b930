import { afterAll, expect, it } from 'vitest';
import { createActivities } from '../../src/activities/index.js';
import { loadArticleIngredients } from '../../src/domain/ingredients/index.js';
import { createTaskWithReservations } from '../../src/domain/tasks/selection.js';
import { startTask } from '../../src/domain/tasks/task-lifecycle.js';
import { createOfflineGenerator } from '../../src/llm/index.js';
import { createLogger } from '../../src/logger.js';
import { distillationCounts, newAccount, openTestDatabase, seedDistillations } from '../support/db.js';
import { invariantViolations } from '../support/invariants.js';
import { FAST_POLICY } from '../support/worker.js';

const database = openTestDatabase();
afterAll(() => database.close());

it('saveArticle run twice for one item (a retry after the commit) writes one article and one usage row, and counts +1', async () => {
  const { accountId } = await newAccount(database);
  const [id] = await seedDistillations(database, accountId, [{ keyword: 'idempotent' }]);
  const task = await createTaskWithReservations(database.db, accountId, { articleCount: 1 });
  await startTask(database.db, task.id);
  const activities = createActivities({
    db: database.db,
    llm: createOfflineGenerator(),
    log: createLogger('silent'),
    llmTaskQueue: 'unused',
    llmPolicy: FAST_POLICY,
  });
  const loaded = await loadArticleIngredients(database.db, task.id, 0);
  expect(loaded.kind).toBe('ready');
  if (loaded.kind !== 'ready') return;
  const draft = {
    title: 'T',
    content: 'C',
    keyword: loaded.ingredients.keyword,
    topics: loaded.ingredients.topics,
    imageId: null,
    imageUrl: null,
    autoApprove: false,
    provider: 'offline',
    model: 'm',
    promptTokens: 10,
    completionTokens: 20,
    durationMs: 5,
  };
  const first = await activities.saveArticle({ taskId: task.id, position: 0, draft });
  const second = await activities.saveArticle({ taskId: task.id, position: 0, draft });
  expect(first.inserted).toBe(true);
  expect(second).toEqual({ articleId: first.articleId, inserted: false });

  const articles = await database.sql`SELECT id, review_status FROM articles WHERE task_id = ${task.id}`;
  expect(articles).toEqual([{ id: first.articleId, review_status: 'pending_review' }]);
  const usage = await database.sql`SELECT count(*)::int AS n FROM distillation_usage WHERE task_id = ${task.id}`;
  expect(usage[0]!.n).toBe(1);
  expect((await distillationCounts(database, [id!])).get(id!)).toEqual({ usage: 1, reserved: 0 });
  const [t] = await database.sql`SELECT generated_count, prompt_tokens::int, completion_tokens::int FROM generation_tasks WHERE id = ${task.id}`;
  expect(t).toEqual({ generated_count: 1, prompt_tokens: 10, completion_tokens: 20 });
  const events = await database.sql`SELECT type FROM task_events WHERE task_id = ${task.id} AND type = 'article.saved'`;
  expect(events).toHaveLength(1);
  expect(await invariantViolations(database, accountId)).toEqual([]);

  // A generateArticle retried after the save does not pay for a second LLM call.
  expect(await loadArticleIngredients(database.db, task.id, 0)).toEqual({ kind: 'already-saved', articleId: first.articleId });
});
