import type { MessageKey, Translate } from '../i18n/index.js';

/**
 * The import checker (src/domain/distillations/distillation-file.ts, shared with the CLI) words its problems in
 * English; the console shows the known ones in the page's language and any other one as it came.
 * test/web/web-import-problems.unit.test.ts feeds the checker's real output through this table, so a reworded
 * message fails there instead of quietly falling back to English.
 */
const PROBLEMS: [RegExp, MessageKey, string[]][] = [
  [/^keyword is missing$/, 'impKeywordMissing', []],
  [/^keyword must be a string$/, 'impKeywordNotText', []],
  [/^keyword is empty$/, 'impKeywordEmpty', []],
  [/^keyword is (\d+) characters long \(at most (\d+)\)$/, 'impKeywordTooLong', ['n', 'max']],
  [/^keyword contains a NUL character$/, 'impKeywordNul', []],
  [/^topics are missing$/, 'impTopicsMissing', []],
  [/^topics must be an array of strings$/, 'impTopicsNotList', []],
  [/^topic (\d+) is not a string$/, 'impTopicNotText', ['i']],
  [/^topic (\d+) is empty$/, 'impTopicEmpty', ['i']],
  [/^topic (\d+) is (\d+) characters long \(at most (\d+)\)$/, 'impTopicTooLong', ['i', 'n', 'max']],
  [/^topic (\d+) contains a NUL character$/, 'impTopicNul', ['i']],
  [/^no topics \(at least one is needed\)$/, 'impNoTopics', []],
  [/^(\d+) topics \(at most (\d+)\)$/, 'impTooManyTopics', ['n', 'max']],
  [/^(\d+) field\(s\) where the header has (\d+) \(put a field that contains a comma in double quotes\)$/, 'impFieldCount', ['n', 'header']],
  [/^not an object \{"keyword", "topics"\}$/, 'impNotObject', []],
  [/^line (\d+): the CSV header must name the columns keyword and topics \(got: (.*)\)\. Nothing was imported\.$/, 'impBadHeader', ['line', 'got']],
  [/^The CSV file is empty: expected a header `keyword,topics` and one row per distillation\.$/, 'impEmptyCsv', []],
];

/** One problem of an import file in the page's language (unknown ones unchanged). */
export function importProblem(t: Translate, message: string): string {
  for (const [pattern, key, names] of PROBLEMS) {
    const match = pattern.exec(message);
    if (match) return t(key, Object.fromEntries(names.map((name, i) => [name, match[i + 1] ?? ''])));
  }
  return message;
}
