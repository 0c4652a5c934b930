// Articles written at once spread over their album: every unsaved item's first load reserves the image least
// used counting the other unsaved items' reservations (artgen_reserve_album_image), whatever the loads race, for
// the items of one task or of several tasks of the account. A later load (a retry, a rewrite) keeps the image,
// and once saved every image's usage_count is exact: what it was plus the articles that took it.
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { albumImages, albums } from '../../src/db/schema.js';
import { loadArticleIngredients } from '../../src/domain/ingredients/index.js';
import { saveGeneratedArticle } from '../../src/domain/tasks/article-saving.js';
import { createTaskWithReservations } from '../../src/domain/tasks/selection.js';
import { testDraft } from '../support/drafts.js';
import { newAccount, openTestDatabase, seedDistillations } from '../support/db.js';

const database = openTestDatabase(8);
afterAll(() => database.close());
const { db } = database;

/** The effective usages after `picks` greedy picks of the least effective usage (one multiset, whatever the ties). */
function waterFill(start: number[], picks: number) {
  const v = [...start];
  for (let i = 0; i < picks; i++) v[v.indexOf(Math.min(...v))]! += 1;
  return v.sort((a, b) => a - b);
}

const caseArb = fc.record({
  usages: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 4 }),
  tasks: fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 2 }),
  reloads: fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }),
});

describe('album image reservations', () => {
  it('spread concurrent articles over the least used images, keep an item\'s image, and count each save exactly once', async () => {
    const { accountId } = await newAccount(database);
    let run = 0;
    await fc.assert(
      fc.asyncProperty(caseArb, async ({ usages, tasks, reloads }) => {
        run++;
        const [album] = await db.insert(albums).values({ accountId, name: `a${run}` }).returning();
        const images = await db
          .insert(albumImages)
          .values(usages.map((usageCount, i) => ({ albumId: album!.id, url: `https://img.example/${run}-${i}.png`, description: null, usageCount })))
          .returning();
        const items: { taskId: number; position: number }[] = [];
        for (const [t, count] of tasks.entries()) {
          await seedDistillations(database, accountId, Array.from({ length: count }, (_, i) => ({ keyword: `img ${run} ${t} ${i}` })));
          const task = await createTaskWithReservations(db, accountId, { articleCount: count, albumId: album!.id });
          for (let position = 0; position < count; position++) items.push({ taskId: task.id, position });
        }

        // Every item loads at once (the first attempt of each article of the tasks).
        const loaded = await Promise.all(items.map((i) => loadArticleIngredients(db, i.taskId, i.position, 1)));
        const held = loaded.map((l) => (l.kind === 'ready' ? l.imageId : null));
        expect(held.every((id) => id !== null)).toBe(true);
        const picks = new Map<number, number>();
        for (const id of held) picks.set(id!, (picks.get(id!) ?? 0) + 1);
        expect(waterFill(usages, items.length)).toEqual(images.map((im) => im.usageCount + (picks.get(im.id) ?? 0)).sort((a, b) => a - b));

        // Retries and rewrites (and saves, concurrently) keep the image the item reserved.
        const again = await Promise.all(
          items.map(async (i, k) => {
            const attempt = reloads[k % reloads.length] ? await loadArticleIngredients(db, i.taskId, i.position, 'next') : loaded[k]!;
            expect(attempt).toMatchObject({ kind: 'ready', imageId: held[k] });
            const made = await testDraft(database, i.taskId, i.position);
            const image = images.find((im) => im.id === held[k])!;
            await saveGeneratedArticle(db, i.taskId, i.position, { ...made!.draft, imageId: image.id, imageUrl: image.url });
            return image.url;
          }),
        );
        const after = await database.sql<{ id: number; usage_count: number }[]>`SELECT id, usage_count FROM album_images WHERE album_id = ${album!.id} ORDER BY id`;
        for (const im of images) {
          expect(after.find((a) => a.id === im.id)!.usage_count).toBe(im.usageCount + again.filter((url) => url === im.url).length);
        }
      }),
      { numRuns: 100 },
    );
  });
});
