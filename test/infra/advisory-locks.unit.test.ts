import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ADVISORY_LOCK } from '../../src/db/advisory-locks.js';

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

describe('advisory lock classes', () => {
  it('are each used for one thing only', () => {
    const values = Object.values(ADVISORY_LOCK);
    expect(new Set(values).size).toBe(values.length);
  });

  it('are declared in the one registry, not as numbers where they are taken', () => {
    const strays = sourceFiles('src')
      .filter((f) => !f.endsWith(join('db', 'advisory-locks.ts')))
      .flatMap((f) =>
        readFileSync(f, 'utf8')
          .split('\n')
          .map((line, i) => ({ line, at: `${f}:${i + 1}` }))
          .filter(({ line }) => /ADVISORY_\w+\s*=\s*\d{3,}|pg_advisory(_xact)?_lock\(\s*\d/.test(line))
          .map(({ at }) => at),
      );
    expect(strays).toEqual([]);
  });

  it('match the classes hand-written SQL functions take', () => {
    const sql = readdirSync('migrations')
      .filter((f) => f.endsWith('.sql'))
      .map((f) => readFileSync(join('migrations', f), 'utf8'))
      .join('\n');
    const classes = [...sql.matchAll(/pg_advisory_xact_lock\((\d+)/g)].map((m) => Number(m[1]));
    expect([...new Set(classes)].sort()).toEqual([ADVISORY_LOCK.albumImage, ADVISORY_LOCK.llmAdmission].sort());
  });
});
