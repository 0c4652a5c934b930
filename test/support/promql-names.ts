/** PromQL words that are not metric names: aggregations, functions are recognised by their "(" instead. */
const KEYWORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'and', 'or', 'unless', 'bool', 'offset', 'inf', 'nan']);

/**
 * The metric names a PromQL expression selects. Strings, label matchers `{...}`, ranges `[5m]`, the label
 * lists of by/without/on/ignoring/group_left/group_right and Grafana variables (`$__rate_interval`) are
 * dropped first; what is left that is an identifier not followed by "(" (a function or an aggregation) and
 * not a keyword is a metric name.
 *
 * @example metricNamesIn('sum by (model) (rate(artgen_llm_requests_total{outcome!="ok"}[5m]))') // ['artgen_llm_requests_total']
 */
export function metricNamesIn(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""')
    .replace(/\$\{[^}]*\}|\$\w+/g, ' 1m ')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  const names = new Set<string>();
  for (const m of stripped.matchAll(/(?<![\w.:])([A-Za-z_:][\w:]*)(\s*\()?/g)) {
    const [, name, call] = m;
    if (call || KEYWORDS.has(name!.toLowerCase())) continue;
    // A duration or a number's exponent (5m, 1e3) starts with a digit and never matches; a lone "e" or unit cannot follow a digit here.
    names.add(name!);
  }
  return [...names];
}
