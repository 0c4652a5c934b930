import { Zip, ZipDeflate } from 'fflate';

/** A zip without ZIP64 holds at most this many entries (and 4 GiB); exports check the count first. */
export const MAX_ZIP_ENTRIES = 65_535;
const MAX_ZIP_BYTES = 0xffffffff;

/** Version 2.0 on Unix: with MS-DOS as the maker, unzip reads names as CP437 despite the UTF-8 flag. */
const UNIX = 3;
/** Unix mode in the high half of the external attributes: a regular file, rw-r--r--. */
const REGULAR_FILE_0644 = (0o100644 << 16) >>> 0;
/** The earliest time a zip (MS-DOS date) can hold. */
const DOS_EPOCH = new Date(1980, 0, 1);

/**
 * A streaming zip writer over fflate: `entry()` returns the bytes of one file (local header, deflated
 * data, data descriptor) to write at once, `end()` the central directory. fflate keeps only the
 * directory's small records (name, sizes, CRC, offset) until the end, never the files, so a zip of any
 * number of articles is written in constant memory besides them. Names are UTF-8.
 */
export class ZipWriter {
  private readonly out: Uint8Array[] = [];
  private readonly zip = new Zip((err, chunk) => {
    if (err) throw err;
    this.out.push(chunk);
  });
  private entries = 0;
  private bytes = 0;

  entry(name: string, data: Buffer, modified = new Date()): Buffer {
    if (this.entries >= MAX_ZIP_ENTRIES) throw new Error(`a zip holds at most ${MAX_ZIP_ENTRIES} entries`);
    this.entries++;
    const file = new ZipDeflate(name);
    Object.assign(file, { os: UNIX, attrs: REGULAR_FILE_0644, mtime: modified < DOS_EPOCH ? DOS_EPOCH : modified });
    this.zip.add(file);
    // Synchronous: the callback above has the whole entry when push returns.
    file.push(data, true);
    return this.take();
  }

  end(): Buffer {
    this.zip.end();
    return this.take();
  }

  private take(): Buffer {
    const chunk = Buffer.concat(this.out.splice(0));
    this.bytes += chunk.length;
    if (this.bytes > MAX_ZIP_BYTES) throw new Error('a zip without ZIP64 holds at most 4 GiB');
    return chunk;
  }
}
