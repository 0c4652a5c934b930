/** RFC 4180 CSV: a parser that keeps line numbers (for error messages) and a writer. */

export interface CsvRecord {
  /** 1-based line of the file where the record starts (a quoted field may span lines). */
  line: number;
  fields: string[];
}

export class CsvParseError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(`line ${line}: ${message}`);
    this.name = 'CsvParseError';
  }
}

/**
 * Parses CSV text: fields separated by commas, records by CRLF, LF or CR; a field in double quotes may
 * hold commas, line breaks and doubled quotes (""). Lenient where it is unambiguous: spaces around a
 * quoted field are ignored, a quote inside an unquoted field is kept. Empty lines are skipped and a
 * UTF-8 byte order mark is dropped.
 */
export function parseCsv(text: string): CsvRecord[] {
  const s = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const records: CsvRecord[] = [];
  let line = 1;
  let recordLine = 1;
  let fields: string[] = [];
  let field = '';
  let quoted = false; // the current field was quoted (so it exists even when empty)
  let i = 0;

  const endRecord = () => {
    fields.push(field);
    const blank = fields.length === 1 && fields[0] === '' && !quoted;
    if (!blank) records.push({ line: recordLine, fields });
    fields = [];
    field = '';
    quoted = false;
  };
  /** Consumes a line break at i (CRLF, LF or CR); true when there was one. */
  const lineBreak = () => {
    const c = s[i];
    if (c === '\r') {
      i += s[i + 1] === '\n' ? 2 : 1;
    } else if (c === '\n') {
      i += 1;
    } else {
      return false;
    }
    line++;
    return true;
  };

  while (i < s.length) {
    const c = s[i]!;
    if (c === '"' && field.trim() === '' && !quoted) {
      // A quoted field: up to the closing quote that is not doubled.
      const startLine = line;
      quoted = true;
      field = '';
      i++;
      for (;;) {
        if (i >= s.length) throw new CsvParseError('a quoted field is not closed (missing ")', startLine);
        const q = s[i]!;
        if (q === '"') {
          if (s[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        if (q === '\r' || q === '\n') {
          field += q === '\r' && s[i + 1] === '\n' ? '\r\n' : q;
          lineBreak();
          continue;
        }
        field += q;
        i++;
      }
      while (s[i] === ' ' || s[i] === '\t') i++;
      if (i < s.length && s[i] !== ',' && s[i] !== '\r' && s[i] !== '\n') {
        throw new CsvParseError(`unexpected character '${s[i]}' after a closing quote (write "" for a quote inside a quoted field)`, line);
      }
      continue;
    }
    if (c === ',') {
      fields.push(field);
      field = '';
      quoted = false;
      i++;
      continue;
    }
    if (c === '\r' || c === '\n') {
      endRecord();
      lineBreak();
      recordLine = line;
      continue;
    }
    if (quoted) {
      throw new CsvParseError(`unexpected character '${c}' after a closing quote`, line);
    }
    field += c;
    i++;
  }
  if (field !== '' || quoted || fields.length > 0) endRecord();
  return records;
}

/** A cell a spreadsheet would run as a formula: it starts (after any blanks) with = + - @, or with a tab or CR. */
const FORMULA_START = /^(?:[\t\r]|\s*[=+\-@])/;
/** A plain number (-5, +1.5, 2e3) is data, not a formula, and stays as it is. */
const PLAIN_NUMBER = /^[+-]?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

/**
 * A cell as a spreadsheet will not run it: a leading `'` before text that starts like a formula, as
 * OWASP advises against CSV injection (`=cmd|' /C calc'!A0` becomes `'=cmd|' /C calc'!A0`).
 */
export const spreadsheetSafe = (value: string) => (FORMULA_START.test(value) && !PLAIN_NUMBER.test(value) ? `'${value}` : value);

/** One field, formula-safe, quoted when it holds a comma, a quote, a line break or leading/trailing spaces. */
export function csvField(raw: string): string {
  const value = spreadsheetSafe(raw);
  return /[",\r\n]|^\s|\s$|^'/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** Records as RFC 4180 text: CRLF line endings, a final CRLF. */
export function toCsv(rows: string[][]): string {
  return rows.map((r) => r.map(csvField).join(',') + '\r\n').join('');
}
