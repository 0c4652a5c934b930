import { eq, sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { albumImages, albums, articleSettings, conversionTargets, distillations, knowledgeBases, knowledgeDocuments, taskItems, topics } from '../../src/db/schema.js';
import { loadArticleIngredients } from '../../src/domain/ingredients/index.js';
import { createTaskWithReservations } from '../../src/domain/tasks/selection.js';
import { newAccount, openTestDatabase, seedDistillations } from '../support/db.js';

const database = openTestDatabase();
afterAll(() => database.close());
const { db } = database;

async function taskWithEverything() {
  const { accountId } = await newAccount(database);
  const [d1, d2] = await seedDistillations(database, accountId, [
    { keyword: 'espresso', topics: ['How strong is it?', 'What beans?'] },
    { keyword: 'latte', topics: ['How much milk?'] },
  ]);
  const [setting] = await db.insert(articleSettings).values({ accountId, name: 'house', prompt: 'Be brief.' }).returning();
  const [kb] = await db.insert(knowledgeBases).values({ accountId, name: 'facts' }).returning();
  await db.insert(knowledgeDocuments).values([
    { knowledgeBaseId: kb!.id, title: 'B doc', content: 'second' },
    { knowledgeBaseId: kb!.id, title: 'A doc', content: 'first' },
  ]);
  const [target] = await db.insert(conversionTargets).values({ accountId, companyName: 'Acme', industry: 'Coffee', website: null, address: '1 Bean St' }).returning();
  const [album] = await db.insert(albums).values({ accountId, name: 'pics' }).returning();
  const [used, fresh] = await db
    .insert(albumImages)
    .values([
      { albumId: album!.id, url: 'https://img.example/used.png', description: 'used', usageCount: 3 },
      { albumId: album!.id, url: 'https://img.example/fresh.png', description: null, usageCount: 0 },
    ])
    .returning();
  const task = await createTaskWithReservations(db, accountId, {
    articleCount: 2,
    articleSettingId: setting!.id,
    knowledgeBaseId: kb!.id,
    conversionTargetId: target!.id,
    albumId: album!.id,
  });
  return { task, d1: d1!, d2: d2!, used: used!, fresh: fresh! };
}

describe('loadArticleIngredients', () => {
  it('reads every ingredient of an article in the order the prompt uses them', async () => {
    const { task, d1, d2, fresh } = await taskWithEverything();
    const first = await loadArticleIngredients(db, task.id, 0);
    expect(first).toEqual({
      kind: 'ready',
      distillationId: d1,
      imageId: fresh.id,
      autoApprove: expect.any(Boolean),
      accountId: task.accountId,
      // No attempt failed the quality gate yet, and the account keeps the default quality settings.
      itemError: null,
      qualityOverrides: null,
      // The task names an article setting, so no template is pinned.
      template: null,
      // Loaded without an attempt: none recorded.
      attempt: 0,
      // Its passages are retrieved by a second query (withArticleKnowledge), for tasks with a base only.
      knowledgeBase: { id: task.knowledgeBaseId, name: 'facts' },
      ingredients: {
        keyword: 'espresso',
        topics: ['How strong is it?', 'What beans?'],
        articleSetting: { name: 'house', prompt: 'Be brief.' },
        conversionTarget: { companyName: 'Acme', industry: 'Coffee', website: null, address: '1 Bean St' },
        // The least used image of the album.
        image: { url: 'https://img.example/fresh.png', description: null },
      },
    });
    const second = await loadArticleIngredients(db, task.id, 1);
    expect(second).toMatchObject({ kind: 'ready', distillationId: d2, ingredients: { keyword: 'latte', topics: ['How much milk?'] } });
  });

  it('records the attempt on a reserved item', async () => {
    const { task } = await taskWithEverything();
    await loadArticleIngredients(db, task.id, 1, 3);
    const [item] = await db.select().from(taskItems).where(sql`${taskItems.taskId} = ${task.id} AND ${taskItems.position} = 1`);
    expect(item!.attempts).toBe(3);
    // 'next' counts on (a quality rewrite is a new activity whose own attempt starts at 1); the first start is kept.
    expect(await loadArticleIngredients(db, task.id, 1, 'next')).toMatchObject({ kind: 'ready', attempt: 4 });
    const [after] = await db.select().from(taskItems).where(sql`${taskItems.taskId} = ${task.id} AND ${taskItems.position} = 1`);
    expect(after).toMatchObject({ attempts: 4, firstAttemptAt: item!.firstAttemptAt });
    expect(after!.firstAttemptAt).toBeInstanceOf(Date);
  });

  it("reserves each item's image: the next item takes the next least used, a retry keeps it, a removed one is replaced", async () => {
    const { task, used, fresh } = await taskWithEverything();
    expect(await loadArticleIngredients(db, task.id, 0, 1)).toMatchObject({ imageId: fresh.id });
    // fresh is held by an unsaved item (0 + 1), used was used 3 times: the second article still takes fresh.
    expect(await loadArticleIngredients(db, task.id, 1, 1)).toMatchObject({ imageId: fresh.id });
    await db.update(albumImages).set({ usageCount: 0 }).where(eq(albumImages.id, used.id));
    expect(await loadArticleIngredients(db, task.id, 0, 'next')).toMatchObject({ attempt: 2, imageId: fresh.id, ingredients: { image: { url: fresh.url } } });
    await db.delete(albumImages).where(eq(albumImages.id, fresh.id));
    expect(await loadArticleIngredients(db, task.id, 1, 2)).toMatchObject({ imageId: used.id, ingredients: { image: { url: used.url, description: 'used' } } });
    const items = await db.select().from(taskItems).where(eq(taskItems.taskId, task.id)).orderBy(taskItems.position);
    expect(items.map((i) => i.imageId)).toEqual([fresh.id, used.id]);
  });

  it('says why an article cannot be written: deleted distillation, no topics left, no such position', async () => {
    const { task, d1, d2 } = await taskWithEverything();
    await db.update(distillations).set({ deletedAt: new Date() }).where(eq(distillations.id, d1));
    await db.delete(topics).where(eq(topics.distillationId, d2));
    expect(await loadArticleIngredients(db, task.id, 1)).toEqual({ kind: 'unavailable', reason: `distillation ${d2} has no topics any more` });
    expect(await loadArticleIngredients(db, task.id, 0)).toEqual({ kind: 'unavailable', reason: `distillation ${d1} was deleted after the task was created` });
    expect(await loadArticleIngredients(db, task.id, 7)).toEqual({ kind: 'unavailable', reason: `task ${task.id} has no article at position 7` });
  });
});
