import { crc32, deflateRawSync } from 'node:zlib';

/** A zip without ZIP64 holds at most this many entries (and 4 GiB); exports check the count first. */
export const MAX_ZIP_ENTRIES = 65_535;

interface CentralEntry {
  name: Buffer;
  crc: number;
  method: number;
  compressedSize: number;
  size: number;
  offset: number;
  time: number;
  date: number;
}

function dosDateTime(d: Date) {
  return {
    time: (d.getHours() << 11) | (d.getMinutes() << 5) | Math.floor(d.getSeconds() / 2),
    date: ((Math.max(d.getFullYear(), 1980) - 1980) << 9) | ((d.getMonth() + 1) << 5) | d.getDate(),
  };
}

const UTF8_NAMES = 0x0800;
/** Version 2.0 on Unix: with MS-DOS as the maker, unzip reads names as CP437 despite the UTF-8 flag. */
const MADE_BY_UNIX = (3 << 8) | 20;
/** Unix mode in the high half of the external attributes: a regular file, rw-r--r--. */
const REGULAR_FILE_0644 = (0o100644 << 16) >>> 0;

/**
 * A streaming zip writer: `entry()` returns the bytes of one file (local header and deflated data) to
 * write at once, `end()` the central directory. Only the directory's small records (name, sizes, CRC,
 * offset) are kept until the end, never the files, so a zip of any number of articles is written in
 * constant memory besides them. Each entry is compressed whole (an article is small); names are UTF-8.
 */
export class ZipWriter {
  private readonly entries: CentralEntry[] = [];
  private offset = 0;

  entry(name: string, data: Buffer, modified = new Date()): Buffer {
    if (this.entries.length >= MAX_ZIP_ENTRIES) throw new Error(`a zip holds at most ${MAX_ZIP_ENTRIES} entries`);
    const nameBytes = Buffer.from(name, 'utf8');
    const deflated = deflateRawSync(data);
    const stored = deflated.length >= data.length;
    const body = stored ? data : deflated;
    const { time, date } = dosDateTime(modified);
    const e: CentralEntry = { name: nameBytes, crc: crc32(data), method: stored ? 0 : 8, compressedSize: body.length, size: data.length, offset: this.offset, time, date };
    const header = Buffer.alloc(30);
    header.writeUInt32LE(0x04034b50, 0);
    header.writeUInt16LE(20, 4);
    header.writeUInt16LE(UTF8_NAMES, 6);
    header.writeUInt16LE(e.method, 8);
    header.writeUInt16LE(time, 10);
    header.writeUInt16LE(date, 12);
    header.writeUInt32LE(e.crc, 14);
    header.writeUInt32LE(e.compressedSize, 18);
    header.writeUInt32LE(e.size, 22);
    header.writeUInt16LE(nameBytes.length, 26);
    header.writeUInt16LE(0, 28);
    this.entries.push(e);
    this.offset += header.length + nameBytes.length + body.length;
    if (this.offset > 0xffffffff) throw new Error('a zip without ZIP64 holds at most 4 GiB');
    return Buffer.concat([header, nameBytes, body]);
  }

  end(): Buffer {
    const records = this.entries.map((e) => {
      const r = Buffer.alloc(46);
      r.writeUInt32LE(0x02014b50, 0);
      r.writeUInt16LE(MADE_BY_UNIX, 4);
      r.writeUInt16LE(20, 6);
      r.writeUInt16LE(UTF8_NAMES, 8);
      r.writeUInt16LE(e.method, 10);
      r.writeUInt16LE(e.time, 12);
      r.writeUInt16LE(e.date, 14);
      r.writeUInt32LE(e.crc, 16);
      r.writeUInt32LE(e.compressedSize, 20);
      r.writeUInt32LE(e.size, 24);
      r.writeUInt16LE(e.name.length, 28);
      r.writeUInt32LE(REGULAR_FILE_0644, 38);
      r.writeUInt32LE(e.offset, 42);
      return Buffer.concat([r, e.name]);
    });
    const directory = Buffer.concat(records);
    const tail = Buffer.alloc(22);
    tail.writeUInt32LE(0x06054b50, 0);
    tail.writeUInt16LE(this.entries.length, 8);
    tail.writeUInt16LE(this.entries.length, 10);
    tail.writeUInt32LE(directory.length, 12);
    tail.writeUInt32LE(this.offset, 16);
    return Buffer.concat([directory, tail]);
  }
}
