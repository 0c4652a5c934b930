import { expect, it } from 'vitest';
import { benchFigures, FIGURE_LIMITS } from '../../bench/figures.js';

it('each figure carries its value, its limit and whether it met it; a figure not measured passes nor fails', () => {
  const figures = benchFigures({ ratioToFloor: 1.2, embeddedRatio: 1.01, c1OverheadMs: 15, articlesPerSecondL0: 99.9, workerPeakRssMiB: null, writeOverheadP50Ms: Number.NaN });
  expect(Object.keys(figures)).toEqual(['ratioToFloor', 'embeddedRatio', 'c1OverheadMs', 'articlesPerSecondL0', 'workerPeakRssMiB', 'writeOverheadP50Ms']);
  expect(figures.ratioToFloor).toEqual({ value: 1.2, limit: { op: '<=', value: 1.1 }, pass: false });
  expect(figures.embeddedRatio).toEqual({ value: 1.01, limit: FIGURE_LIMITS.embeddedRatio, pass: true });
  expect(figures.c1OverheadMs.pass).toBe(true);
  expect(figures.articlesPerSecondL0).toEqual({ value: 99.9, limit: { op: '>=', value: 100 }, pass: false });
  expect(figures.workerPeakRssMiB).toEqual({ value: null, limit: { op: '<=', value: 300 }, pass: null });
  expect(figures.writeOverheadP50Ms).toEqual({ value: null, limit: { op: '<=', value: 2 }, pass: null });
});
