/** Output of every command: aligned text tables, pretty JSON (the API's own) or RFC 4180 CSV. */
import { toCsv } from '../shared/csv.js';
import { terminalJson, terminalText } from './terminal-text.js';

export const FORMATS = ['table', 'json', 'csv'] as const;
export type Format = (typeof FORMATS)[number];

export interface Column<R = any> {
  /** The CSV header and, by default, the property read from the row. */
  key: string;
  /** The table header; defaults to the key in capitals. */
  header?: string;
  value?: (row: R) => unknown;
  /** Numbers are right-aligned by default. */
  align?: 'left' | 'right';
  /** Longer cells are cut with an ellipsis in tables (never in CSV). */
  maxWidth?: number;
  /** How a table shows the value (CSV keeps the raw value): a local time, a duration. */
  display?: (value: unknown, row: any) => string;
}

export type Section =
  | { kind: 'table'; title?: string; columns: Column[]; rows: unknown[]; empty?: string; csvOnly?: boolean }
  | { kind: 'kv'; title?: string; entries: KvEntry[] };

/** A key, its value and optionally how a table shows it (CSV keeps the raw value). */
export type KvEntry = [key: string, value: unknown, display?: (value: unknown) => string];

/** What a command prints: `json` for --format json, `sections` for table (all) and csv (one). */
export interface Output {
  json: unknown;
  sections: Section[];
  /** The section written as CSV; default the first. */
  csvSection?: number;
  /** Lines after the tables in table format only (paging, hints). */
  notes?: string[];
}

/** Zero-width: combining marks, joiners, variation selectors. */
const ZERO_WIDTH = /^[\p{Mn}\p{Me}\u200B-\u200F\uFE00-\uFE0F\u2060]$/u;

/** Terminal columns of one code point: 2 for East Asian wide and fullwidth characters and most emoji. */
function charWidth(cp: number, ch: string): number {
  if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) return 0;
  if (ZERO_WIDTH.test(ch)) return 0;
  if (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0xa4cf && cp !== 0x303f) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x1f300 && cp <= 0x1f64f) ||
    (cp >= 0x1f900 && cp <= 0x1f9ff) ||
    (cp >= 0x20000 && cp <= 0x3fffd)
  ) {
    return 2;
  }
  return 1;
}

/** The width of a string on a terminal. */
export function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s) w += charWidth(ch.codePointAt(0)!, ch);
  return w;
}

/** Cuts a string to at most `width` columns, ending with an ellipsis when cut. */
export function truncate(s: string, width: number): string {
  if (displayWidth(s) <= width) return s;
  if (width <= 0) return '';
  let out = '';
  let w = 0;
  for (const ch of s) {
    const cw = charWidth(ch.codePointAt(0)!, ch);
    if (w + cw > width - 1) break;
    out += ch;
    w += cw;
  }
  return `${out}…`;
}

function pad(s: string, width: number, align: 'left' | 'right'): string {
  const fill = ' '.repeat(Math.max(0, width - displayWidth(s)));
  return align === 'right' ? fill + s : s + fill;
}

/** A value as one line of text: '' for null, JSON for objects, line breaks and tabs as spaces, no control characters. */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object') return terminalText(JSON.stringify(value));
  return terminalText(String(value).replace(/[\r\n\t]+/g, ' '));
}

const cellOf = (column: Column, row: unknown): unknown =>
  column.value ? column.value(row) : (row as Record<string, unknown> | null)?.[column.key];

/** Aligned columns separated by two spaces, a header and a dashed rule; '-' for empty cells. */
export function renderTable(columns: Column[], rows: unknown[]): string {
  const raw = rows.map((row) => columns.map((c) => cellOf(c, row)));
  const cells = raw.map((values, r) =>
    values.map((v, i) => {
      const column = columns[i]!;
      const text = column.display ? column.display(v, rows[r]) : cellText(v);
      const max = column.maxWidth;
      return text === '' ? '-' : max ? truncate(text, max) : text;
    }),
  );
  const headers = columns.map((c) => c.header ?? c.key.toUpperCase());
  const widths = columns.map((_, i) => Math.max(displayWidth(headers[i]!), ...cells.map((r) => displayWidth(r[i]!))));
  const aligns = columns.map((c, i) => {
    if (c.align) return c.align;
    const present = raw.map((r) => r[i]).filter((v) => v !== null && v !== undefined && v !== '');
    return present.length > 0 && present.every((v) => typeof v === 'number') ? 'right' : 'left';
  });
  const line = (parts: string[]) => parts.map((p, i) => pad(p, widths[i]!, aligns[i]!)).join('  ').trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n') + '\n';
}

/** `key  value` lines with the keys aligned. */
export function renderKeyValue(entries: KvEntry[]): string {
  const width = Math.max(0, ...entries.map(([k]) => displayWidth(k)));
  return entries.map(([k, v, display]) => `${pad(`${k}:`, width + 1, 'left')}  ${(display ? display(v) : cellText(v)) || '-'}`.trimEnd() + '\n').join('');
}

/** A header of the column keys and one record per row; nulls are empty fields. */
export function renderCsv(columns: Column[], rows: unknown[]): string {
  return toCsv([columns.map((c) => c.key), ...rows.map((row) => columns.map((c) => cellText(cellOf(c, row))))]);
}

function sectionCsv(section: Section): string {
  if (section.kind === 'table') return renderCsv(section.columns, section.rows);
  return toCsv([section.entries.map(([k]) => k), section.entries.map(([, v]) => cellText(v))]);
}

function sectionTable(section: Section): string {
  const title = section.title ? `${section.title}\n` : '';
  if (section.kind === 'kv') return title + renderKeyValue(section.entries);
  if (section.rows.length === 0) return title + `${section.empty ?? '(none)'}\n`;
  return title + renderTable(section.columns, section.rows);
}

/** What a command prints, with nothing a terminal would act on: stored text may hold ESC, VT or C1 controls. */
export function renderOutput(format: Format, output: Output): string {
  if (format === 'json') return `${terminalJson(JSON.stringify(output.json, null, 2))}\n`;
  if (format === 'csv') {
    const section = output.sections[output.csvSection ?? 0];
    return section ? sectionCsv(section) : '';
  }
  const parts = output.sections.filter((s) => !(s.kind === 'table' && s.csvOnly)).map(sectionTable);
  if (output.notes?.length) parts.push(output.notes.join('\n') + '\n');
  // Titles, notes and display functions' text too (controls have no width, so the columns stay aligned).
  return terminalText(parts.join('\n'));
}

/** Milliseconds as a short duration: 850ms, 12.3s, 4m 05s, 2h 03m. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '';
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(Math.floor(s % 60)).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
}

/** A 0..1 rate as a percentage with one decimal. */
export function formatPercent(rate: number | null | undefined): string {
  if (rate === null || rate === undefined || !Number.isFinite(rate)) return '';
  return `${(rate * 100).toFixed(1)}%`;
}

/** Whether times print in UTC (the global --utc) rather than local time with its offset. */
let utcTimes = false;

/** Set once per run from the global --utc option. */
export function showTimesInUtc(on: boolean) {
  utcTimes = on;
}

const two = (n: number) => String(n).padStart(2, '0');

/** The zone a printed time is in: `UTC` under --utc, else the local offset (`+08:00`, `-05:00`). */
function zoneOf(d: Date): string {
  if (utcTimes) return 'UTC';
  const minutes = -d.getTimezoneOffset();
  const sign = minutes < 0 ? '-' : '+';
  return `${sign}${two(Math.floor(Math.abs(minutes) / 60))}:${two(Math.abs(minutes) % 60)}`;
}

function fieldsOf(d: Date) {
  return utcTimes
    ? { y: d.getUTCFullYear(), mo: d.getUTCMonth() + 1, da: d.getUTCDate(), h: d.getUTCHours(), mi: d.getUTCMinutes(), s: d.getUTCSeconds() }
    : { y: d.getFullYear(), mo: d.getMonth() + 1, da: d.getDate(), h: d.getHours(), mi: d.getMinutes(), s: d.getSeconds() };
}

/**
 * An ISO timestamp for tables: local time with its offset, or UTC under --utc, so a reader never guesses.
 *
 * @example formatTime('2026-12-07T01:30:05Z') // '2026-12-07 09:30:05 +08:00' (TZ=Asia/Shanghai), '2026-12-07 01:30:05 UTC' (--utc)
 */
export function formatTime(iso: unknown): string {
  if (typeof iso !== 'string' || iso === '') return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const f = fieldsOf(d);
  return `${f.y}-${two(f.mo)}-${two(f.da)} ${two(f.h)}:${two(f.mi)}:${two(f.s)} ${zoneOf(d)}`;
}

/** A time of day with its zone, for the lines a watch prints: `09:30:05 +08:00`. */
export function formatClock(d: Date): string {
  if (Number.isNaN(d.getTime())) return '';
  const f = fieldsOf(d);
  return `${two(f.h)}:${two(f.mi)}:${two(f.s)} ${zoneOf(d)}`;
}
