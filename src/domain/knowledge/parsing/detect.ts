import { refuse } from './refusal.js';

export type DocumentKind = 'pdf' | 'docx' | 'text';

const ZIP_LOCAL_HEADER = [0x50, 0x4b, 0x03, 0x04];
const OLE_HEADER = [0xd0, 0xcf, 0x11, 0xe0];
const PDF_HEADER = [0x25, 0x50, 0x44, 0x46, 0x2d]; // %PDF-

const startsWith = (bytes: Uint8Array, prefix: number[]) => prefix.every((b, i) => bytes[i] === b);

/** What a file is, from its first bytes (never its name): a PDF, a zip (a DOCX when it holds word/document.xml, checked when unpacked), or text. */
export function detectKind(bytes: Uint8Array): DocumentKind {
  if (bytes.length === 0) throw refuse('FILE_EMPTY', 'The file is empty: there is nothing to index.');
  if (startsWith(bytes, PDF_HEADER)) return 'pdf';
  if (startsWith(bytes, ZIP_LOCAL_HEADER)) return 'docx';
  if (startsWith(bytes, OLE_HEADER)) {
    throw refuse('UNSUPPORTED_FILE_TYPE', 'The file is an old-style Office file (.doc) or a password-protected Office document: save it as DOCX without a password.');
  }
  return 'text';
}

const HTML_START = /^\s*(?:<!--[\s\S]*?-->\s*)*<(?:!doctype\s+html|html|head|body|meta|title)\b/i;
const HTML_BLOCKS = /<(?:p|div|h[1-6]|article|section|table|ul|ol|br)\b[^>]*>/gi;

/** HTML by content: it opens like a page, or block tags run through its start. */
export function looksLikeHtml(text: string): boolean {
  if (HTML_START.test(text)) return true;
  return (text.slice(0, 4096).match(HTML_BLOCKS)?.length ?? 0) >= 3;
}

const MARKDOWN_SIGNS = /^(?:#{1,6}\s|[-*+]\s|\d+\.\s|>\s|```)/m;

/** UTF-8 text (a BOM dropped); anything else, or NUL characters, is refused as not a supported text file. */
export function decodeText(bytes: Uint8Array): { text: string; mediaType: string } {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw refuse('FILE_NOT_UTF8', 'The file is neither a PDF, a DOCX nor UTF-8 text: save text files as UTF-8, or upload PDF or DOCX.');
  }
  if (text.includes('\u0000')) throw refuse('FILE_NOT_TEXT', 'The file contains NUL characters: it is a binary file, not text (upload PDF, DOCX, HTML, Markdown or plain text).');
  if (looksLikeHtml(text)) return { text, mediaType: 'text/html' };
  return { text, mediaType: MARKDOWN_SIGNS.test(text) ? 'text/markdown' : 'text/plain' };
}
