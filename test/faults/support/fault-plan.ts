/** The faults a run injects, one after another. */
export type FaultKind = 'worker-kill' | 'postgres-restart' | 'temporal-restart';

export interface PlannedFault {
  kind: FaultKind;
  /** Pause before this fault, in milliseconds. */
  waitMs: number;
  /** Which worker a worker-kill hits (index into the running workers). */
  target: number;
}

/** mulberry32: a small seeded generator, so FAULT_SEED replays the same schedule. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The given number of faults of each kind in a seeded order, with seeded pauses of 2-7 s between them. */
export function planFaults(random: () => number, counts: Record<FaultKind, number>, workers: number): PlannedFault[] {
  const kinds = (Object.keys(counts) as FaultKind[]).flatMap((kind) => Array.from({ length: counts[kind] }, () => kind));
  for (let i = kinds.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [kinds[i], kinds[j]] = [kinds[j]!, kinds[i]!];
  }
  return kinds.map((kind) => ({ kind, waitMs: 2_000 + Math.floor(random() * 5_000), target: Math.floor(random() * workers) }));
}
