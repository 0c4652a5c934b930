import { extractText, getDocumentProxy } from 'unpdf';
import { refuse } from './refusal.js';

/** The text layer of a PDF, page by page; refused when it is password protected, unreadable, or has no text (a scan). */
export async function pdfToText(bytes: Uint8Array): Promise<{ title: string | null; text: string }> {
  let pdf;
  try {
    pdf = await getDocumentProxy(bytes, { isEvalSupported: false, useSystemFonts: false, stopAtErrors: false, verbosity: 0 });
  } catch (err) {
    if (err instanceof Error && err.name === 'PasswordException') {
      throw refuse('FILE_ENCRYPTED', 'The PDF is password protected: remove the password and upload it again.');
    }
    throw refuse('FILE_UNREADABLE', 'The file starts like a PDF but cannot be read as one (damaged or truncated).');
  }
  try {
    const { text } = await extractText(pdf, { mergePages: false });
    const pages = text.map((page) => page.replace(/[ \t]+\n/g, '\n').trim()).filter(Boolean);
    if (pages.length === 0) throw refuse('FILE_NO_TEXT', 'The PDF has no text layer (a scanned document?): no text to index; OCR is not supported.');
    const info = (await pdf.getMetadata().catch(() => null))?.info as { Title?: unknown } | undefined;
    const title = typeof info?.Title === 'string' && info.Title.trim() ? info.Title.trim() : null;
    return { title, text: pages.join('\n\n') };
  } finally {
    await pdf.destroy();
  }
}
