import { addKnowledgeDocument, DEFAULT_CHUNKING, embedDocumentChunks, parseOffThread } from '../domain/knowledge/index.js';
import type { RouteDeps } from '../http/deps.js';
import type { UploadInput } from '../http/knowledge-upload.js';

/**
 * Adds an uploaded (or posted) document to a knowledge base, for the API and the console alike: parsed and
 * chunked off the event loop, stored, then its chunks embedded when an embeddings endpoint is configured. A
 * failing endpoint keeps the upload: its chunks are found by the text ranking alone, and the log says so
 * (no content). A refused file throws FileRefused, each surface words it. The caller has checked the base.
 */
export async function addUploadedDocument(
  deps: Pick<RouteDeps, 'db' | 'knowledge' | 'embeddings' | 'log'>,
  accountId: number,
  knowledgeBaseId: number,
  input: UploadInput,
) {
  const parsed = await parseOffThread(input.bytes, {
    fileName: input.fileName,
    plainText: input.plainText ?? false,
    maxUnpackedBytes: deps.knowledge.maxUnpackedBytes,
    chunking: DEFAULT_CHUNKING,
  });
  const row = await addKnowledgeDocument(deps.db, accountId, knowledgeBaseId, { ...parsed, title: input.title ?? parsed.title, bytes: input.bytes.byteLength });
  if (deps.embeddings) {
    try {
      await embedDocumentChunks(deps.db, deps.embeddings, row.id);
    } catch (err) {
      deps.log.warn({ documentId: row.id, reason: (err as Error).message }, 'knowledge chunks not embedded; they are searched by text alone');
    }
  }
  return row;
}
