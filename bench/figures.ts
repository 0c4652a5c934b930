// The headline figures of `npm run bench` with their limits (issue 20), as `--json FILE` writes them, so a
// script can read a run without parsing the Markdown table.

export interface FigureLimit {
  op: '<=' | '>=';
  value: number;
}

/** One figure: what was measured (null when the run did not measure it), its limit, and whether it met it. */
export interface Figure {
  value: number | null;
  limit: FigureLimit;
  pass: boolean | null;
}

export const FIGURE_LIMITS = {
  /** Wall time of N=100, C=10, L=200 ms over Temporal's floor measured in the same run. */
  ratioToFloor: { op: '<=', value: 1.1 },
  /** The same task through `npm start` (API and worker in one process) over the deployed shape. */
  embeddedRatio: { op: '<=', value: 1.05 },
  /** C=1: milliseconds per article above N*L. */
  c1OverheadMs: { op: '<=', value: 15 },
  /** L=0, 10 tasks x 20 articles at once: articles saved per second. */
  articlesPerSecondL0: { op: '>=', value: 100 },
  /** The worker's peak resident set size over the run, MiB. */
  workerPeakRssMiB: { op: '<=', value: 300 },
  /** What auth, account limits, rate limit and audit add to a write, p50, ms. */
  writeOverheadP50Ms: { op: '<=', value: 2 },
} as const satisfies Record<string, FigureLimit>;

export type FigureName = keyof typeof FIGURE_LIMITS;
export type MeasuredFigures = Record<FigureName, number | null>;

/**
 * Each measured figure beside its limit; `pass` is null for a figure not measured (or not a number).
 *
 * @example benchFigures({ ratioToFloor: 1.08, ... }).ratioToFloor // { value: 1.08, limit: { op: '<=', value: 1.1 }, pass: true }
 */
export function benchFigures(measured: MeasuredFigures): Record<FigureName, Figure> {
  const out = {} as Record<FigureName, Figure>;
  for (const name of Object.keys(FIGURE_LIMITS) as FigureName[]) {
    const limit = FIGURE_LIMITS[name];
    const raw = measured[name];
    const value = raw === null || !Number.isFinite(raw) ? null : raw;
    out[name] = { value, limit, pass: value === null ? null : limit.op === '<=' ? value <= limit.value : value >= limit.value };
  }
  return out;
}
