import { expect, it } from 'vitest';
import { idleAfterFaults } from './support/idle-after-fault.js';

it('measures, per task open at a fault, the time to its next save or else to its end', () => {
  const tasks = [
    { taskId: 1, submittedAt: 0, completedAt: 50_000, savedAt: [5_000, 22_000, 30_000] },
    { taskId: 2, submittedAt: 0, completedAt: 15_000, savedAt: [4_000] },
    // Submitted after the fault, and finished before it: neither counts.
    { taskId: 3, submittedAt: 11_000, completedAt: 40_000, savedAt: [12_000] },
    { taskId: 4, submittedAt: 0, completedAt: 9_000, savedAt: [8_000] },
  ];
  expect(idleAfterFaults([{ at: 10_000 }], tasks)).toEqual({ count: 2, p50: 5_000, p95: 12_000, max: 12_000 });
  expect(idleAfterFaults([], tasks)).toEqual({ count: 0, p50: 0, p95: 0, max: 0 });
});
