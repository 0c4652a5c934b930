import type { ExportFile } from '../domain/articles/index.js';
import type { Logger } from '../logger.js';
import { streamBody } from './stream-body.js';

/**
 * An export as a download, for the API and the console: the chunks are pulled as the client reads, so
 * memory holds one batch; the file name is ASCII-safe in `filename` and exact in `filename*`.
 */
export function download(file: ExportFile, log: Logger) {
  return new Response(streamBody(file.chunks, (err) => log.error({ err }, 'article export stopped')), {
    headers: {
      'content-type': file.contentType,
      'content-disposition': `attachment; filename="${file.fileName.replace(/[^\x20-\x7e]|"/g, '_')}"; filename*=UTF-8''${encodeURIComponent(file.fileName)}`,
    },
  });
}
