import { createHash } from 'node:crypto';
import { conflict } from '../errors.js';
import type { RepairChange } from './repair-change.js';

/** JSON with every object's keys sorted: a change read back from jsonb hashes like the one computed. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * A short hash of a repair's changes. A dry run answers it; applying with it makes only those changes,
 * so what a person reviewed is what is written (see `repairUsage`'s `expectFingerprint`).
 */
export function repairFingerprint(changes: RepairChange[]): string {
  return createHash('sha256').update(canonical(changes)).digest('hex').slice(0, 32);
}

/** 409 when the repair would now change something else than the dry run showed. */
export function assertSamePlan(expected: string, changes: RepairChange[]) {
  const actual = repairFingerprint(changes);
  if (actual === expected) return;
  throw conflict(
    'REPAIR_PLAN_CHANGED',
    `The repair would now make other changes than the dry run with fingerprint ${expected} showed (counts changed since). Nothing was changed; run the dry run again and check its changes.`,
    { expected, actual, changes: changes.length },
  );
}
