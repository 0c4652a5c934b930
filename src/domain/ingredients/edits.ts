import { and, count, eq, inArray, isNull } from 'drizzle-orm';
import type { Db, DbOrTx } from '../../db/client.js';
import { albumImages, albums, conversionTargets } from '../../db/schema.js';
import { conflict, notFound } from '../errors.js';

/**
 * Changes to an album or a conversion target after it was created (the console's edit pages). Tasks read
 * their ingredients when each article is written, so a change applies to the articles not written yet.
 */

export async function renameAlbum(db: DbOrTx, accountId: number, id: number, name: string) {
  const rows = await db
    .update(albums)
    .set({ name })
    .where(and(eq(albums.id, id), eq(albums.accountId, accountId), isNull(albums.deletedAt)))
    .returning();
  if (rows.length === 0) throw notFound('album', id);
  return rows[0]!;
}

/**
 * Adds one image to a live album of the account, up to `maxImages`. The album's row is locked, so two
 * adds at once cannot both pass the count.
 */
export async function addAlbumImage(
  db: Db,
  accountId: number,
  albumId: number,
  image: { url: string; description?: string | null },
  maxImages: number,
) {
  return db.transaction(async (tx) => {
    const [album] = await tx
      .select({ id: albums.id })
      .from(albums)
      .where(and(eq(albums.id, albumId), eq(albums.accountId, accountId), isNull(albums.deletedAt)))
      .for('update');
    if (!album) throw notFound('album', albumId);
    const [held] = await tx.select({ n: count() }).from(albumImages).where(eq(albumImages.albumId, albumId));
    if ((held?.n ?? 0) >= maxImages) {
      throw conflict('ALBUM_FULL', `album ${albumId} holds ${maxImages} images, the most an album may; remove one first`, { albumId, maxImages });
    }
    const [row] = await tx.insert(albumImages).values({ albumId, url: image.url, description: image.description ?? null }).returning();
    return row!;
  });
}

/** Removes an image from a live album of the account; articles already written keep its URL. */
export async function removeAlbumImage(db: DbOrTx, accountId: number, albumId: number, imageId: number) {
  const owned = db
    .select({ id: albums.id })
    .from(albums)
    .where(and(eq(albums.id, albumId), eq(albums.accountId, accountId), isNull(albums.deletedAt)));
  const rows = await db
    .delete(albumImages)
    .where(and(eq(albumImages.id, imageId), inArray(albumImages.albumId, owned)))
    .returning({ id: albumImages.id });
  if (rows.length === 0) throw notFound('albumImage', imageId);
}

export async function updateConversionTarget(
  db: DbOrTx,
  accountId: number,
  id: number,
  input: { companyName: string; industry?: string | null; website?: string | null; address?: string | null },
) {
  const rows = await db
    .update(conversionTargets)
    .set({ companyName: input.companyName, industry: input.industry ?? null, website: input.website ?? null, address: input.address ?? null })
    .where(and(eq(conversionTargets.id, id), eq(conversionTargets.accountId, accountId), isNull(conversionTargets.deletedAt)))
    .returning();
  if (rows.length === 0) throw notFound('conversionTarget', id);
  return rows[0]!;
}

/** How many images each of these albums holds (an album without any is left out). */
export async function albumImageCounts(db: DbOrTx, albumIds: number[]): Promise<Map<number, number>> {
  if (albumIds.length === 0) return new Map();
  const rows = await db
    .select({ albumId: albumImages.albumId, n: count() })
    .from(albumImages)
    .where(inArray(albumImages.albumId, albumIds))
    .groupBy(albumImages.albumId);
  return new Map(rows.map((r) => [r.albumId, r.n]));
}
