import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { configSchema } from '../../src/config.js';

/**
 * docs/configuration.md lists every variable of the config schema with its default. Its tables are prose,
 * so this test holds them to the schema: the same names, and each default as the schema has it (or
 * "unset: ..." where the schema has none).
 */
const doc = readFileSync(new URL('../../docs/configuration.md', import.meta.url), 'utf8');

interface DocumentedVariable {
  name: string;
  defaultCell: string;
  effect: string;
}

/** Every table row of the page whose first cell is one backticked variable name. */
function documentedVariables(markdown: string): DocumentedVariable[] {
  return markdown
    .split('\n')
    .filter((line) => /^\| `[A-Z]/.test(line))
    .map((line) => {
      const cells = line.split(/(?<!\\)\|/).slice(1, -1).map((c) => c.trim());
      const name = /^`([A-Z][A-Z0-9_]*)`$/.exec(cells[0] ?? '')?.[1];
      if (!name || cells.length !== 3) throw new Error(`docs/configuration.md: a row must be | \`ONE_VARIABLE\` | default | effect |, got: ${line}`);
      return { name, defaultCell: cells[1]!, effect: cells[2]! };
    });
}

/** The raw default the schema gives a variable (before any transform), or undefined when it has none. */
function schemaDefault(field: z.ZodType): unknown {
  if (field instanceof z.ZodDefault) return field.def.defaultValue;
  if (field instanceof z.ZodPipe) return schemaDefault(field.def.in as z.ZodType);
  return undefined;
}

/** The value a default cell starts with: a backticked value, else the text up to a comma, space or colon. */
function leadingValue(cell: string): string {
  return /^`([^`]*)`/.exec(cell)?.[1] ?? /^[^,\s:]+/.exec(cell)?.[0] ?? '';
}

const documented = documentedVariables(doc);
const shape = configSchema.shape as Record<string, z.ZodType>;

describe('docs/configuration.md against the config schema', () => {
  it('lists exactly the variables of the schema, each once', () => {
    const names = documented.map((v) => v.name);
    expect({
      listedTwice: names.filter((n, i) => names.indexOf(n) !== i),
      documentedButNotInSchema: names.filter((n) => !(n in shape)),
      inSchemaButNotDocumented: Object.keys(shape).filter((n) => !names.includes(n)),
    }).toEqual({ listedTwice: [], documentedButNotInSchema: [], inSchemaButNotDocumented: [] });
  });

  it('gives each variable the default the schema has, or says it is unset', () => {
    const wrong = documented.flatMap(({ name, defaultCell }) => {
      const field = shape[name];
      if (!field) return [];
      const expected = schemaDefault(field);
      if (expected === undefined) return defaultCell.startsWith('unset') ? [] : [`${name}: the schema has no default, the page says "${defaultCell}" (write "unset: ...")`];
      return leadingValue(defaultCell) === String(expected) ? [] : [`${name}: the schema's default is ${String(expected)}, the page says "${defaultCell}"`];
    });
    expect(wrong).toEqual([]);
  });

  it('says what each variable does', () => {
    expect(documented.filter((v) => v.effect.length < 10).map((v) => v.name)).toEqual([]);
  });
});
