/**
 * Keywords of a file or a text box: a JSON array of strings, else one per line (blank lines and `#`
 * comments skipped). The CLI and the console read keyword files with it.
 *
 * @example keywordsOf('# garden\nheat pump\n\nkettle') // ['heat pump', 'kettle']
 */
export function keywordsOf(text: string): string[] {
  const trimmed = text.trim();
  if (trimmed.startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(trimmed);
      if (Array.isArray(parsed) && parsed.every((k) => typeof k === 'string')) return parsed.map((k) => k.trim()).filter(Boolean);
    } catch {
      // Not JSON after all: read it as lines.
    }
  }
  return text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
}
