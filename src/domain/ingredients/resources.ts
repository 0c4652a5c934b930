import { and, asc, count, desc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Db, DbOrTx } from '../../db/client.js';
import {
  albumImages,
  albums,
  articleSettings,
  conversionTargets,
  knowledgeBases,
  knowledgeDocuments,
} from '../../db/schema.js';
import { notFound } from '../errors.js';
import { chunkDocument, insertDocuments } from '../knowledge/index.js';

/** The optional ingredients a task may reference; each is owned by an account and soft-deleted. */
export const RESOURCE_TABLES = {
  articleSetting: articleSettings,
  knowledgeBase: knowledgeBases,
  album: albums,
  conversionTarget: conversionTargets,
} as const;
export type ResourceKind = keyof typeof RESOURCE_TABLES;
/** A row of one kind's table. */
export type ResourceRow<K extends ResourceKind> = (typeof RESOURCE_TABLES)[K]['$inferSelect'];

const live = (kind: ResourceKind, accountId: number) =>
  and(eq(RESOURCE_TABLES[kind].accountId, accountId), isNull(RESOURCE_TABLES[kind].deletedAt));

/** The ids among `ids` that do not exist for the account (or were deleted). */
export async function missingResourceIds(db: DbOrTx, kind: ResourceKind, accountId: number, ids: number[]) {
  if (ids.length === 0) return [];
  const table = RESOURCE_TABLES[kind];
  const found = await db.select({ id: table.id }).from(table).where(and(live(kind, accountId), inArray(table.id, ids)));
  const have = new Set(found.map((r) => r.id));
  return ids.filter((id) => !have.has(id));
}

/** One page of the account's live rows of a kind, newest first (a knowledge base without its documents). */
export async function listResources<K extends ResourceKind>(db: DbOrTx, kind: K, accountId: number, opts: { page: number; pageSize: number }) {
  const table = RESOURCE_TABLES[kind] as (typeof RESOURCE_TABLES)[ResourceKind];
  const [rows, [total]] = await Promise.all([
    db
      .select()
      .from(table)
      .where(live(kind, accountId))
      .orderBy(desc(table.id))
      .limit(opts.pageSize)
      .offset((opts.page - 1) * opts.pageSize),
    db.select({ n: count() }).from(table).where(live(kind, accountId)),
  ]);
  const items = rows as ResourceRow<K>[];
  return { items, page: opts.page, pageSize: opts.pageSize, total: total?.n ?? 0 };
}

export async function deleteResource(db: DbOrTx, kind: ResourceKind, accountId: number, id: number) {
  const table = RESOURCE_TABLES[kind];
  const rows = await db
    .update(table)
    .set({ deletedAt: sql`now()` })
    .where(and(live(kind, accountId), eq(table.id, id)))
    .returning({ id: table.id });
  if (rows.length === 0) throw notFound(kind, id);
}

async function getRow<K extends ResourceKind>(db: DbOrTx, kind: K, accountId: number, id: number): Promise<ResourceRow<K>> {
  const table = RESOURCE_TABLES[kind] as (typeof RESOURCE_TABLES)[ResourceKind];
  const [row] = await db.select().from(table).where(and(live(kind, accountId), eq(table.id, id)));
  if (!row) throw notFound(kind, id);
  return row as ResourceRow<K>;
}

export async function createArticleSetting(db: DbOrTx, accountId: number, input: { name: string; prompt: string }) {
  const [row] = await db.insert(articleSettings).values({ accountId, ...input }).returning();
  return row!;
}

export const getArticleSetting = (db: DbOrTx, accountId: number, id: number) =>
  getRow(db, 'articleSetting', accountId, id);

export async function createConversionTarget(
  db: DbOrTx,
  accountId: number,
  input: { companyName: string; industry?: string | null; website?: string | null; address?: string | null },
) {
  const [row] = await db.insert(conversionTargets).values({ accountId, ...input }).returning();
  return row!;
}

export const getConversionTarget = (db: DbOrTx, accountId: number, id: number) =>
  getRow(db, 'conversionTarget', accountId, id);

export async function createKnowledgeBase(
  db: Db,
  accountId: number,
  input: { name: string; documents: { title: string; content: string }[] },
) {
  const id = await db.transaction(async (tx) => {
    const [kb] = await tx.insert(knowledgeBases).values({ accountId, name: input.name }).returning();
    // Chunked here, on the caller's thread: the JSON body is at most MAX_BODY_BYTES (files go through a worker).
    const documents = input.documents.map((d) => ({
      ...d,
      mediaType: /^#{1,6}\s/m.test(d.content) ? 'text/markdown' : 'text/plain',
      bytes: Buffer.byteLength(d.content),
      chunks: chunkDocument(d.content),
    }));
    await insertDocuments(tx, accountId, kb!.id, documents);
    return kb!.id;
  });
  return getKnowledgeBase(db, accountId, id);
}

export async function getKnowledgeBase(db: DbOrTx, accountId: number, id: number) {
  const kb = await getRow(db, 'knowledgeBase', accountId, id);
  const documents = await db
    .select({ id: knowledgeDocuments.id, title: knowledgeDocuments.title, content: knowledgeDocuments.content })
    .from(knowledgeDocuments)
    .where(eq(knowledgeDocuments.knowledgeBaseId, id))
    .orderBy(asc(knowledgeDocuments.id));
  return { ...kb, documents };
}

export async function createAlbum(
  db: Db,
  accountId: number,
  input: { name: string; images: { url: string; description?: string | null }[] },
) {
  const id = await db.transaction(async (tx) => {
    const [album] = await tx.insert(albums).values({ accountId, name: input.name }).returning();
    if (input.images.length > 0) {
      await tx.insert(albumImages).values(input.images.map((i) => ({ albumId: album!.id, ...i })));
    }
    return album!.id;
  });
  return getAlbum(db, accountId, id);
}

export async function getAlbum(db: DbOrTx, accountId: number, id: number) {
  const album = await getRow(db, 'album', accountId, id);
  const images = await db
    .select({
      id: albumImages.id,
      url: albumImages.url,
      description: albumImages.description,
      usageCount: albumImages.usageCount,
    })
    .from(albumImages)
    .where(eq(albumImages.albumId, id))
    .orderBy(asc(albumImages.id));
  return { ...album, images };
}
