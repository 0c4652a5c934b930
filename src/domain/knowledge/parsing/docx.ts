import mammoth from 'mammoth';
import { unpackDocx } from './docx-unpack.js';
import { htmlToText } from './html.js';

/**
 * A DOCX's text with its headings, through mammoth's HTML (Word's heading styles become <h1>..): the
 * archive is first unpacked under `maxUnpackedBytes` (docx-unpack.ts); images and linked files are never read.
 */
export async function docxToText(bytes: Uint8Array, maxUnpackedBytes: number): Promise<{ title: string | null; text: string }> {
  const safe = unpackDocx(bytes, maxUnpackedBytes);
  const { value } = await mammoth.convertToHtml(
    { buffer: Buffer.from(safe.buffer, safe.byteOffset, safe.byteLength) },
    { externalFileAccess: false, convertImage: mammoth.images.imgElement(() => Promise.resolve({ src: '' })) },
  );
  return htmlToText(value);
}
