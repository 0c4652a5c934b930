import { chunkDocument, serializeChunks, type ChunkOptions, type SerializedChunks } from '../chunking.js';
import { decodeText, detectKind } from './detect.js';
import { docxToText } from './docx.js';
import { htmlToText } from './html.js';
import { pdfToText } from './pdf.js';
import { refuse } from './refusal.js';

export const DOCX_MEDIA_TYPE = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

export interface ParseOptions {
  /** The upload's file name: the title when the document names none. */
  fileName: string;
  maxUnpackedBytes: number;
  /** Text given as text (a JSON document): no type detection, no HTML conversion. */
  plainText?: boolean;
  chunking: ChunkOptions;
}

export interface ParsedDocument {
  title: string;
  mediaType: string;
  content: string;
  /** Serialised where they are made (the worker thread): the API's thread passes them to PostgreSQL as one string. */
  chunks: SerializedChunks;
}

const titleFromName = (name: string) => name.replace(/^.*[\\/]/, '').replace(/\.[^.]+$/, '').trim();

async function extract(bytes: Uint8Array, options: ParseOptions): Promise<{ mediaType: string; title: string | null; text: string }> {
  if (options.plainText) {
    const text = new TextDecoder().decode(bytes);
    return { mediaType: /^#{1,6}\s/m.test(text) ? 'text/markdown' : 'text/plain', title: null, text };
  }
  const kind = detectKind(bytes);
  if (kind === 'pdf') return { mediaType: 'application/pdf', ...(await pdfToText(bytes)) };
  if (kind === 'docx') return { mediaType: DOCX_MEDIA_TYPE, ...(await docxToText(bytes, options.maxUnpackedBytes)) };
  const { text, mediaType } = decodeText(bytes);
  if (mediaType === 'text/html') return { mediaType, ...htmlToText(text) };
  return { mediaType, title: /^#\s+(.+)$/m.exec(text)?.[1]?.trim() ?? null, text };
}

/** A file's type by content, its text, title and chunks; a file that cannot be indexed is a FileRefused naming why. */
export async function parseDocument(bytes: Uint8Array, options: ParseOptions): Promise<ParsedDocument> {
  const { mediaType, title, text } = await extract(bytes, options);
  const content = text.replace(/\u0000/g, '').trim();
  const chunks = chunkDocument(content, options.chunking);
  if (chunks.length === 0) throw refuse('FILE_NO_TEXT', 'The file has no text to index.');
  return { title: (title || titleFromName(options.fileName) || 'Untitled').slice(0, 500), mediaType, content, chunks: serializeChunks(chunks) };
}
