import type { Context } from 'hono';
import { AppError, badRequest } from '../domain/errors.js';

export interface UploadInput {
  bytes: Uint8Array;
  fileName: string;
  /** The title the uploader gave; else the document's own. */
  title?: string;
  /** Text posted as text (JSON), not a file to detect. */
  plainText?: boolean;
}

/**
 * The file of a multipart upload (field `file`, optional `title`), API and console alike: a missing
 * file is a 400, one over `maxFileBytes` a 413, both before anything is parsed or kept.
 */
export async function parseUpload(c: Context, maxFileBytes: number): Promise<UploadInput> {
  let form: Record<string, string | File>;
  try {
    form = await c.req.parseBody();
  } catch {
    throw badRequest('FILE_REQUIRED', 'Send the file as multipart/form-data in the field `file`.');
  }
  const file = form.file;
  if (!(file instanceof File)) throw badRequest('FILE_REQUIRED', 'Send the file as multipart/form-data in the field `file`.');
  if (file.size === 0) throw badRequest('FILE_EMPTY', 'The file is empty: there is nothing to index.');
  if (file.size > maxFileBytes) {
    throw new AppError(413, 'FILE_TOO_LARGE', `The file is ${file.size} bytes; a knowledge base accepts files up to ${maxFileBytes} bytes.`, { bytes: file.size, maxBytes: maxFileBytes });
  }
  const title = typeof form.title === 'string' && form.title.trim() ? form.title.trim().slice(0, 500) : undefined;
  return { bytes: new Uint8Array(await file.arrayBuffer()), fileName: file.name || 'document', title };
}
