/**
 * Reads a distillation import file (CSV `keyword,topics` with topics separated by `|`, or JSON) and
 * checks every row the way the API would, so a bad file is rejected before anything is written. Problems
 * come back as data (`problem`, `bad`), worded in English; the CLI prints them, the console translates them.
 */
import { CsvParseError, parseCsv } from '../../shared/csv.js';
import { MAX_JSON_DEPTH, jsonNestsDeeperThan } from '../../shared/json-nesting.js';
import { DISTILLATION_LIMITS } from './distillation-input.js';

export const { keywordMax: KEYWORD_MAX, topicMax: TOPIC_MAX, topicsMax: TOPICS_PER_DISTILLATION_MAX } = DISTILLATION_LIMITS;

export interface Distillation {
  keyword: string;
  topics: string[];
}

export interface SourceRow {
  /** `line 4` (CSV, 1-based line of the file) or `index 2` (JSON, 0-based array index). */
  where: string;
  line?: number;
  index?: number;
}

export interface GoodRow extends SourceRow {
  distillation: Distillation;
}

export interface BadRow extends SourceRow {
  keyword: string | null;
  errors: string[];
}

export interface DistillationFile {
  kind: 'csv' | 'json';
  good: GoodRow[];
  bad: BadRow[];
  /** Set when the file as a whole cannot be read (then `good` and `bad` are empty): nothing may be imported. */
  problem?: string;
}

const unreadable = (kind: DistillationFile['kind'], problem: string): DistillationFile => ({ kind, good: [], bad: [], problem });

/** The API's rules, plus at least one topic: a distillation without topics can never be used. */
export function checkDistillation(keywordRaw: unknown, topicsRaw: unknown): { distillation?: Distillation; errors: string[] } {
  const errors: string[] = [];
  let keyword = '';
  if (typeof keywordRaw !== 'string') {
    errors.push(keywordRaw === undefined || keywordRaw === null ? 'keyword is missing' : 'keyword must be a string');
  } else {
    keyword = keywordRaw.trim();
    if (keyword === '') errors.push('keyword is empty');
    else if (keyword.length > KEYWORD_MAX) errors.push(`keyword is ${keyword.length} characters long (at most ${KEYWORD_MAX})`);
    if (keyword.includes('\u0000')) errors.push('keyword contains a NUL character');
  }
  const topics: string[] = [];
  if (!Array.isArray(topicsRaw)) {
    errors.push(topicsRaw === undefined || topicsRaw === null ? 'topics are missing' : 'topics must be an array of strings');
  } else {
    topicsRaw.forEach((t, i) => {
      if (typeof t !== 'string') {
        errors.push(`topic ${i + 1} is not a string`);
        return;
      }
      const topic = t.trim();
      if (topic === '') errors.push(`topic ${i + 1} is empty`);
      else if (topic.length > TOPIC_MAX) errors.push(`topic ${i + 1} is ${topic.length} characters long (at most ${TOPIC_MAX})`);
      if (topic.includes('\u0000')) errors.push(`topic ${i + 1} contains a NUL character`);
      topics.push(topic);
    });
    if (topicsRaw.length === 0) errors.push('no topics (at least one is needed)');
    if (topicsRaw.length > TOPICS_PER_DISTILLATION_MAX) errors.push(`${topicsRaw.length} topics (at most ${TOPICS_PER_DISTILLATION_MAX})`);
  }
  return errors.length > 0 ? { errors } : { distillation: { keyword, topics }, errors };
}

function parseCsvFile(text: string): DistillationFile {
  let records;
  try {
    records = parseCsv(text);
  } catch (err) {
    if (err instanceof CsvParseError) return unreadable('csv', `The CSV file cannot be read: ${err.message}. Nothing was imported.`);
    throw err;
  }
  const [header, ...rows] = records;
  if (!header) return unreadable('csv', 'The CSV file is empty: expected a header `keyword,topics` and one row per distillation.');
  const names = header.fields.map((f) => f.trim().toLowerCase());
  const keywordAt = names.indexOf('keyword');
  const topicsAt = names.indexOf('topics');
  if (keywordAt < 0 || topicsAt < 0) {
    return unreadable('csv', `line ${header.line}: the CSV header must name the columns keyword and topics (got: ${header.fields.join(',')}). Nothing was imported.`);
  }
  const file: DistillationFile = { kind: 'csv', good: [], bad: [] };
  for (const r of rows) {
    const source = { where: `line ${r.line}`, line: r.line };
    if (r.fields.length !== header.fields.length) {
      file.bad.push({
        ...source,
        keyword: r.fields[keywordAt]?.trim() || null,
        errors: [`${r.fields.length} field(s) where the header has ${header.fields.length} (put a field that contains a comma in double quotes)`],
      });
      continue;
    }
    // Topics are separated by '|'; empty pieces (a trailing '|') are dropped.
    const topics = (r.fields[topicsAt] ?? '').split('|').map((t) => t.trim()).filter((t) => t !== '');
    const { distillation, errors } = checkDistillation(r.fields[keywordAt], topics);
    if (distillation) file.good.push({ ...source, distillation });
    else file.bad.push({ ...source, keyword: r.fields[keywordAt]?.trim() || null, errors });
  }
  return file;
}

function parseJsonFile(text: string): DistillationFile {
  // The console reads uploaded files with this too: a nesting bomb is refused before it is parsed.
  if (jsonNestsDeeperThan(text, MAX_JSON_DEPTH)) {
    return unreadable('json', `The JSON file nests arrays and objects deeper than ${MAX_JSON_DEPTH} levels. Nothing was imported.`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (err) {
    return unreadable('json', `The JSON file cannot be read: ${(err as Error).message}. Nothing was imported.`);
  }
  const list = Array.isArray(parsed) ? parsed : (parsed as { distillations?: unknown } | null)?.distillations;
  if (!Array.isArray(list)) {
    return unreadable('json', 'The JSON file must hold an array of {"keyword", "topics": [...]} or an object {"distillations": [...]}. Nothing was imported.');
  }
  const file: DistillationFile = { kind: 'json', good: [], bad: [] };
  list.forEach((entry: unknown, index) => {
    const source = { where: `index ${index}`, index };
    if (!entry || typeof entry !== 'object' || Array.isArray(entry)) {
      file.bad.push({ ...source, keyword: null, errors: ['not an object {"keyword", "topics"}'] });
      return;
    }
    const e = entry as { keyword?: unknown; topics?: unknown };
    const { distillation, errors } = checkDistillation(e.keyword, e.topics);
    if (distillation) file.good.push({ ...source, distillation });
    else file.bad.push({ ...source, keyword: typeof e.keyword === 'string' ? e.keyword.trim() || null : null, errors });
  });
  return file;
}

/** The format from the name (.csv / .json), else from the content (JSON starts with [ or {). */
export function detectKind(name: string, text: string): 'csv' | 'json' {
  if (/\.json$/i.test(name)) return 'json';
  if (/\.csv$/i.test(name)) return 'csv';
  return /^\uFEFF?\s*[[{]/.test(text) ? 'json' : 'csv';
}

/** The file's rows, good and bad, or the `problem` that makes the whole file unreadable. */
export function parseDistillationFile(name: string, text: string): DistillationFile {
  return detectKind(name, text) === 'json' ? parseJsonFile(text) : parseCsvFile(text);
}
