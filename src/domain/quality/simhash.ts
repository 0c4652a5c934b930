/** Characters per shingle: 4 code points tell reworded text from copied text in Latin and Chinese alike. */
const SHINGLE = 4;

/** Lower case, letters and digits only, one space between words: formatting never hides a copy. */
function normalize(text: string): string[] {
  return Array.from(text.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim());
}

/** FNV-1a (32 bits) of the code points from `from` to `to`, from a seed: two seeds give 64 bits. */
function fnv1a(chars: string[], from: number, to: number, seed: number): number {
  let h = seed;
  for (let i = from; i < to; i++) {
    h ^= chars[i]!.codePointAt(0)!;
    h = Math.imul(h, 0x01000193);
  }
  // A final avalanche, so shingles differing in their last character differ in many bits.
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return h >>> 0;
}

/**
 * The 64-bit SimHash (Charikar) of a text over its character shingles, as four 16-bit bands (high to
 * low). Texts that share most shingles differ in few bits; unrelated texts in about 32.
 */
export function simhash(text: string): [number, number, number, number] {
  const chars = normalize(text);
  const weights = new Int32Array(64);
  const last = Math.max(chars.length - SHINGLE, 0);
  for (let i = 0; i <= last && chars.length > 0; i++) {
    const end = Math.min(i + SHINGLE, chars.length);
    const hi = fnv1a(chars, i, end, 0x811c9dc5);
    const lo = fnv1a(chars, i, end, 0x050c5d1f);
    for (let b = 0; b < 32; b++) {
      weights[b] = weights[b]! + ((hi >>> (31 - b)) & 1 ? 1 : -1);
      weights[32 + b] = weights[32 + b]! + ((lo >>> (31 - b)) & 1 ? 1 : -1);
    }
  }
  const bands = [0, 0, 0, 0];
  for (let b = 0; b < 64; b++) if (weights[b]! > 0) bands[b >> 4] = bands[b >> 4]! | (1 << (15 - (b & 15)));
  return bands as [number, number, number, number];
}

/** Each band tagged with its number (band << 16 | value), as stored in articles.simhash_bands. */
export const taggedBands = (bands: readonly number[]) => bands.map((v, i) => (i << 16) | v);

const popcount16 = (v: number) => {
  let n = 0;
  for (let x = v; x; x &= x - 1) n++;
  return n;
};

/** Bits in which two hashes differ; both given as tagged bands. */
export function hammingDistance(a: readonly number[], b: readonly number[]): number {
  let d = 0;
  for (let i = 0; i < 4; i++) d += popcount16((a[i]! ^ b[i]!) & 0xffff);
  return d;
}
