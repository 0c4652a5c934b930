/** How deep JSON from outside may nest (an API body, an import file): every one we read is a few levels deep. */
export const MAX_JSON_DEPTH = 32;

const OPEN = new Set(['[', '{']);
const CLOSE = new Set([']', '}']);

/**
 * Whether JSON text nests deeper than `maxDepth` arrays and objects, found in one linear scan of the raw
 * text before anything parses it: brackets inside strings (escapes honoured) do not count, and the scan
 * stops at the first level too deep, so a 2 MB `[[[...` costs microseconds, not a parse and a walk.
 * Malformed text is left to the parser to refuse.
 *
 * @example jsonNestsDeeperThan('{"a":[[1]]}', 2) // true
 */
export function jsonNestsDeeperThan(text: string, maxDepth: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
    } else if (ch === '"') {
      inString = true;
    } else if (OPEN.has(ch)) {
      if (++depth > maxDepth) return true;
    } else if (CLOSE.has(ch)) {
      depth--;
    }
  }
  return false;
}
