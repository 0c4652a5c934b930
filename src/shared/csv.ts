/**
 * RFC 4180 CSV over csv-parse and csv-stringify: a reader that keeps line numbers (for error messages)
 * and a writer that escapes cells a spreadsheet would run as formulas.
 */
import { CsvError, parse, type Options } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';

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

/** Records end at CRLF, LF or CR; spaces around a quoted field are ignored; rows may differ in length (the caller says why). */
const READ: Options = {
  bom: true,
  record_delimiter: ['\r\n', '\n', '\r'],
  relax_column_count: true,
  skip_empty_lines: true,
  trim: true,
};

const LF = 0x0a;
const CR = 0x0d;

/** What went wrong, in the words of the import's messages. */
function problemOf(err: CsvError): string {
  switch (err.code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return 'a quoted field is not closed (missing ")';
    case 'CSV_INVALID_CLOSING_QUOTE': {
      const got = /got "(.)"/u.exec(err.message)?.[1];
      return `unexpected character${got && got >= ' ' && got <= '~' ? ` '${got}'` : ''} after a closing quote (write "" for a quote inside a quoted field)`;
    }
    case 'CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE':
      return 'unexpected text after a closing quote (write "" for a quote inside a quoted field)';
    case 'INVALID_OPENING_QUOTE':
      return 'a quote inside a field that does not start with one (put the field in double quotes and write "" for each quote in it)';
    default:
      return err.message.replace(/\s*at line \d+/, '');
  }
}

/**
 * Parses CSV text: fields separated by commas, records by CRLF, LF or CR; a field in double quotes may
 * hold commas, line breaks and doubled quotes (""). Spaces around fields are dropped, empty lines are
 * skipped and a UTF-8 byte order mark is dropped. A malformed file throws CsvParseError with the line
 * where the broken record starts.
 */
export function parseCsv(text: string): CsvRecord[] {
  const bytes = Buffer.from(text, 'utf8');
  // csv-parse counts the bytes read up to the end of each record; lines are counted here from those offsets.
  let at = 0;
  let line = 1;
  const lineOf = (offset: number) => {
    for (; at < offset; at++) if (bytes[at] === LF || (bytes[at] === CR && bytes[at + 1] !== LF)) line++;
    return line;
  };
  /** The line where the record after `end` starts: past the empty lines the parser skips. */
  const startLine = (end: number) => {
    let s = end;
    while (bytes[s] === CR || bytes[s] === LF) s++;
    return lineOf(s);
  };
  const records: CsvRecord[] = [];
  let end = 0;
  try {
    parse(bytes, {
      ...READ,
      on_record: (fields: string[], info) => {
        records.push({ line: startLine(end), fields });
        end = info.bytes;
        return null;
      },
    });
  } catch (err) {
    if (err instanceof CsvError) throw new CsvParseError(problemOf(err), startLine(end));
    throw err;
  }
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

/** CRLF after every record; quoted when a field holds a comma, a quote or a line break (csv-stringify), starts or ends with a blank, or starts with `'`. */
const WRITE = { record_delimiter: '\r\n', quoted_match: [/[\r\n]/, /^\s/, /\s$/, /^'/] };

/** One field, formula-safe and quoted when it needs to be. */
export const csvField = (raw: string): string => stringify([[spreadsheetSafe(raw)]], { ...WRITE, eof: false });

/** Records as RFC 4180 text: CRLF line endings, a final CRLF. */
export function toCsv(rows: string[][]): string {
  return stringify(
    rows.map((r) => r.map(spreadsheetSafe)),
    WRITE,
  );
}
