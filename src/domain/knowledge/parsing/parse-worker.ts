/** Entry of the parse worker thread (parse-off-thread.ts): parses the bytes it was given and posts the outcome. */
import { parentPort, workerData } from 'node:worker_threads';
import { parseDocument, type ParseOptions } from './parse-document.js';
import { FileRefused } from './refusal.js';

const { bytes, options } = workerData as { bytes: Uint8Array; options: ParseOptions };
try {
  parentPort!.postMessage({ ok: true, document: await parseDocument(bytes, options) });
} catch (err) {
  if (err instanceof FileRefused) parentPort!.postMessage({ ok: false, refusal: err.refusal });
  else parentPort!.postMessage({ ok: false, refusal: { status: 400, code: 'FILE_UNREADABLE', message: 'The file could not be read as the type it looks like (damaged or unsupported).' } });
}
