// An album never holds more images than its limit, whatever adds and removes race: addAlbumImage locks the
// album's row, so concurrent adds cannot all pass the count. Random batches through the real domain
// functions on the real PostgreSQL; another account never reaches the album.
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { AppError } from '../../src/domain/errors.js';
import { addAlbumImage, createAlbum, getAlbum, removeAlbumImage } from '../../src/domain/ingredients/index.js';
import { newAccount, openTestDatabase } from '../support/db.js';

const database = openTestDatabase(8);
afterAll(() => database.close());
const MAX = 3;

type Batch = { adds: number; removes: number; stranger: boolean };
const batchArb: fc.Arbitrary<Batch> = fc.record({ adds: fc.integer({ min: 0, max: 5 }), removes: fc.integer({ min: 0, max: 2 }), stranger: fc.boolean() });

const outcome = (p: Promise<unknown>) =>
  p.then(
    () => 'ok' as const,
    (err: unknown) => {
      if (err instanceof AppError) return err.code;
      throw err;
    },
  );

describe('album images', () => {
  it('stay within the limit under concurrent adds and removes, and only the owner changes them', async () => {
    const owner = await newAccount(database);
    const stranger = await newAccount(database);
    await fc.assert(
      fc.asyncProperty(fc.array(batchArb, { minLength: 1, maxLength: 4 }), async (batches) => {
        const album = await createAlbum(database.db, owner.accountId, { name: 'p', images: [] });
        for (const batch of batches) {
          const before = (await getAlbum(database.db, owner.accountId, album.id)).images;
          const removing = before.slice(0, batch.removes);
          const who = batch.stranger ? stranger.accountId : owner.accountId;
          const results = await Promise.all([
            ...Array.from({ length: batch.adds }, (_, i) => outcome(addAlbumImage(database.db, who, album.id, { url: `https://img.example.com/${i}.jpg` }, MAX))),
            ...removing.map((image) => outcome(removeAlbumImage(database.db, who, album.id, image.id))),
          ]);
          const after = (await getAlbum(database.db, owner.accountId, album.id)).images;
          expect(after.length).toBeLessThanOrEqual(MAX);
          if (batch.stranger) {
            expect(results.every((r) => r === 'NOT_FOUND')).toBe(true);
            expect(after).toEqual(before);
          } else {
            const added = results.slice(0, batch.adds).filter((r) => r === 'ok').length;
            expect(results.slice(0, batch.adds).every((r) => r === 'ok' || r === 'ALBUM_FULL')).toBe(true);
            expect(results.slice(batch.adds).every((r) => r === 'ok')).toBe(true);
            expect(after.length).toBe(before.length - removing.length + added);
            // Refused only for want of room: every add that fits beside the images there before succeeds.
            expect(added).toBeGreaterThanOrEqual(Math.min(batch.adds, MAX - before.length));
          }
        }
      }),
      { numRuns: 100 },
    );
  });
});
