import { and, asc, desc, eq, isNull, sql } from 'drizzle-orm';
import type { Db, DbOrTx, Tx } from '../../db/client.js';
import { knowledgeBases, knowledgeChunks, knowledgeDocuments } from '../../db/schema.js';
import { notFound } from '../errors.js';
import { serializeChunks, type DocumentChunk, type SerializedChunks } from './chunking.js';

export interface NewKnowledgeDocument {
  title: string;
  mediaType: string;
  bytes: number;
  content: string;
  /** The chunks, or already serialised (parseOffThread does so in its worker thread). */
  chunks: DocumentChunk[] | SerializedChunks;
}

/** The account's live knowledge base, locked against a concurrent delete until the transaction ends; 404 otherwise. */
async function lockLiveBase(tx: Tx, accountId: number, knowledgeBaseId: number) {
  const [kb] = await tx
    .select({ id: knowledgeBases.id })
    .from(knowledgeBases)
    .where(and(eq(knowledgeBases.id, knowledgeBaseId), eq(knowledgeBases.accountId, accountId), isNull(knowledgeBases.deletedAt)))
    .for('share');
  if (!kb) throw notFound('knowledgeBase', knowledgeBaseId);
}

/**
 * Inserts documents and their chunks inside a caller's transaction (the base is the caller's to check).
 * A document's chunks go in as ONE statement with ONE parameter, their JSON rows: building a statement
 * with a bind parameter per column of every row cost the API's event loop 20-30 ms per 200 chunks
 * (drizzle's query building and postgres.js's Bind), linear in the chunks (docs/benchmarks.md).
 */
export async function insertDocuments(tx: Tx, accountId: number, knowledgeBaseId: number, documents: NewKnowledgeDocument[]) {
  const out = [];
  for (const d of documents) {
    const [doc] = await tx
      .insert(knowledgeDocuments)
      .values({ knowledgeBaseId, title: d.title, content: d.content, mediaType: d.mediaType, bytes: d.bytes })
      .returning({ id: knowledgeDocuments.id, title: knowledgeDocuments.title, mediaType: knowledgeDocuments.mediaType, bytes: knowledgeDocuments.bytes, createdAt: knowledgeDocuments.createdAt });
    const rows = Array.isArray(d.chunks) ? serializeChunks(d.chunks) : d.chunks;
    if (rows.count > 0) {
      await tx.execute(sql`
        INSERT INTO knowledge_chunks (account_id, knowledge_base_id, document_id, position, heading, text, tokens)
        SELECT ${accountId}, ${knowledgeBaseId}, ${doc!.id}, r.position, r.heading, r.text, r.tokens
        FROM json_to_recordset(${rows.json}::json) AS r(position int, heading text, text text, tokens int)`);
    }
    out.push({ id: doc!.id, knowledgeBaseId, title: doc!.title, mediaType: doc!.mediaType, bytes: doc!.bytes, chunkCount: rows.count, createdAt: doc!.createdAt });
  }
  return out;
}

/** Adds one document with its chunks to the account's knowledge base, all or nothing. */
export async function addKnowledgeDocument(db: Db, accountId: number, knowledgeBaseId: number, doc: NewKnowledgeDocument) {
  return db.transaction(async (tx) => {
    await lockLiveBase(tx, accountId, knowledgeBaseId);
    const [row] = await insertDocuments(tx, accountId, knowledgeBaseId, [doc]);
    return row!;
  });
}

/** Throws 404 unless the knowledge base is the account's and live. */
export async function requireLiveBase(db: DbOrTx, accountId: number, knowledgeBaseId: number) {
  const [kb] = await db
    .select({ id: knowledgeBases.id, name: knowledgeBases.name })
    .from(knowledgeBases)
    .where(and(eq(knowledgeBases.id, knowledgeBaseId), eq(knowledgeBases.accountId, accountId), isNull(knowledgeBases.deletedAt)));
  if (!kb) throw notFound('knowledgeBase', knowledgeBaseId);
  return kb;
}

/** The base's documents without their text, newest first, with their chunk counts. */
export async function listKnowledgeDocuments(db: DbOrTx, accountId: number, knowledgeBaseId: number) {
  await requireLiveBase(db, accountId, knowledgeBaseId);
  return db
    .select({
      id: knowledgeDocuments.id,
      knowledgeBaseId: knowledgeDocuments.knowledgeBaseId,
      title: knowledgeDocuments.title,
      mediaType: knowledgeDocuments.mediaType,
      bytes: knowledgeDocuments.bytes,
      chunkCount: sql<number>`(SELECT count(*)::int FROM knowledge_chunks c WHERE c.document_id = ${knowledgeDocuments.id})`,
      createdAt: knowledgeDocuments.createdAt,
    })
    .from(knowledgeDocuments)
    .where(eq(knowledgeDocuments.knowledgeBaseId, knowledgeBaseId))
    .orderBy(desc(knowledgeDocuments.id));
}

/** One document of the base with its chunks in order; 404 for another base's or account's. */
export async function getKnowledgeDocument(db: DbOrTx, accountId: number, knowledgeBaseId: number, documentId: number) {
  await requireLiveBase(db, accountId, knowledgeBaseId);
  const [doc] = await db
    .select({
      id: knowledgeDocuments.id,
      knowledgeBaseId: knowledgeDocuments.knowledgeBaseId,
      title: knowledgeDocuments.title,
      mediaType: knowledgeDocuments.mediaType,
      bytes: knowledgeDocuments.bytes,
      createdAt: knowledgeDocuments.createdAt,
    })
    .from(knowledgeDocuments)
    .where(and(eq(knowledgeDocuments.id, documentId), eq(knowledgeDocuments.knowledgeBaseId, knowledgeBaseId)));
  if (!doc) throw notFound('knowledgeDocument', documentId);
  const chunks = await db
    .select({ id: knowledgeChunks.id, position: knowledgeChunks.position, heading: knowledgeChunks.heading, text: knowledgeChunks.text, tokens: knowledgeChunks.tokens })
    .from(knowledgeChunks)
    .where(eq(knowledgeChunks.documentId, documentId))
    .orderBy(asc(knowledgeChunks.position));
  return { ...doc, chunkCount: chunks.length, chunks };
}

/** Deletes a document and its chunks (articles keep their record of what they used, without the link). */
export async function deleteKnowledgeDocument(db: DbOrTx, accountId: number, knowledgeBaseId: number, documentId: number) {
  await requireLiveBase(db, accountId, knowledgeBaseId);
  const rows = await db
    .delete(knowledgeDocuments)
    .where(and(eq(knowledgeDocuments.id, documentId), eq(knowledgeDocuments.knowledgeBaseId, knowledgeBaseId)))
    .returning({ id: knowledgeDocuments.id });
  if (rows.length === 0) throw notFound('knowledgeDocument', documentId);
}
