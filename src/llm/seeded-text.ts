/** Text helpers the offline generator's article and question writers share. */
const CJK = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]/;

export function containsCjk(s: string): boolean {
  return CJK.test(s);
}

/** Deterministic 32-bit FNV-1a, used to pick phrase variants reproducibly. */
export function seededHash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  // MurmurHash3's finalizer: seeds differing in their last character pick unrelated variants.
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

