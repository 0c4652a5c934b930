import { Inflate, zipSync, type Zippable } from 'fflate';
import { refuse } from './refusal.js';

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
/** Compressed bytes fed to the inflater at once: bounds what one step can produce (deflate expands at most ~1032x). */
const FEED = 4 * 1024;

interface Entry {
  name: string;
  method: number;
  flags: number;
  compressedSize: number;
  declaredSize: number;
  localOffset: number;
}

const unreadable = (why: string) => refuse('FILE_UNREADABLE', `The file starts like a zip archive (DOCX) but cannot be read: ${why}.`);

function centralDirectory(zip: Uint8Array): Entry[] {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--) {
    if (view.getUint32(i, true) === EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw unreadable('no end of central directory');
  const count = view.getUint16(eocd + 10, true);
  let at = view.getUint32(eocd + 16, true);
  if (at === 0xffffffff || count === 0xffff) throw unreadable('zip64 archives are not supported');
  const entries: Entry[] = [];
  for (let i = 0; i < count; i++) {
    if (at + 46 > zip.length || view.getUint32(at, true) !== CENTRAL) throw unreadable('corrupt central directory');
    const nameLength = view.getUint16(at + 28, true);
    entries.push({
      name: new TextDecoder().decode(zip.subarray(at + 46, at + 46 + nameLength)),
      flags: view.getUint16(at + 8, true),
      method: view.getUint16(at + 10, true),
      compressedSize: view.getUint32(at + 20, true),
      declaredSize: view.getUint32(at + 24, true),
      localOffset: view.getUint32(at + 42, true),
    });
    at += 46 + nameLength + view.getUint16(at + 30, true) + view.getUint16(at + 32, true);
  }
  return entries;
}

function compressedData(zip: Uint8Array, e: Entry): Uint8Array {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  if (e.localOffset + 30 > zip.length || view.getUint32(e.localOffset, true) !== LOCAL) throw unreadable(`corrupt local header of ${e.name}`);
  const start = e.localOffset + 30 + view.getUint16(e.localOffset + 26, true) + view.getUint16(e.localOffset + 28, true);
  if (start + e.compressedSize > zip.length) throw unreadable(`${e.name} runs past the end of the file`);
  return zip.subarray(start, start + e.compressedSize);
}

/** Inflates one entry, counting what comes out: past `budget` bytes it stops, whatever the header declared. */
function inflateCounted(data: Uint8Array, budget: number, tooLarge: () => Error): Uint8Array {
  const parts: Uint8Array[] = [];
  let size = 0;
  const inflater = new Inflate((chunk) => {
    size += chunk.length;
    if (size > budget) throw tooLarge();
    parts.push(chunk);
  });
  try {
    for (let i = 0; i < data.length; i += FEED) inflater.push(data.subarray(i, i + FEED), i + FEED >= data.length);
    if (data.length === 0) inflater.push(new Uint8Array(0), true);
  } catch (err) {
    if (err instanceof Error && err.name === 'FileRefused') throw err;
    throw unreadable('a part is not valid deflate data');
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const TEXT_PART = /\.(?:xml|rels)$/i;

/**
 * A DOCX's text parts unpacked under a limit and packed again uncompressed: what mammoth then reads can
 * expand no further. Declared sizes are checked before anything is inflated, and real sizes while
 * inflating (a zip bomb may lie in its headers); media and embedded files are left empty (never inflated).
 */
export function unpackDocx(zip: Uint8Array, maxUnpackedBytes: number): Uint8Array {
  const entries = centralDirectory(zip);
  if (!entries.some((e) => e.name === 'word/document.xml')) {
    throw refuse('UNSUPPORTED_FILE_TYPE', 'The file is a zip archive but not a Word document (no word/document.xml): upload DOCX, PDF, HTML, Markdown or plain text.');
  }
  const tooLarge = () =>
    refuse('FILE_UNPACKS_TOO_LARGE', `The DOCX's parts decompress to more than ${maxUnpackedBytes} bytes (a zip bomb, or a document too large to index).`, 413);
  const parts = entries.filter((e) => TEXT_PART.test(e.name));
  if (parts.reduce((sum, e) => sum + e.declaredSize, 0) > maxUnpackedBytes) throw tooLarge();
  const files: Zippable = {};
  let left = maxUnpackedBytes;
  for (const e of entries) {
    if (e.name.endsWith('/')) continue;
    if (!TEXT_PART.test(e.name)) {
      files[e.name] = [new Uint8Array(0), { level: 0 }];
      continue;
    }
    if (e.flags & 1) throw refuse('FILE_ENCRYPTED', 'The DOCX is encrypted: remove its password and upload it again.');
    const data = compressedData(zip, e);
    let content: Uint8Array;
    if (e.method === 0) {
      if (data.length > left) throw tooLarge();
      content = data;
    } else if (e.method === 8) {
      content = inflateCounted(data, left, tooLarge);
    } else {
      throw unreadable(`${e.name} uses compression method ${e.method}`);
    }
    left -= content.length;
    files[e.name] = [content, { level: 0 }];
  }
  return zipSync(files);
}
