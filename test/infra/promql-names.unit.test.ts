import { describe, expect, it } from 'vitest';
import { metricNamesIn } from '../support/promql-names.js';

describe('metricNamesIn (the alert-rule and dashboard check reads PromQL with it)', () => {
  it('finds the selected metrics and drops functions, aggregations, matchers, ranges and grouping labels', () => {
    expect(metricNamesIn('sum by (model) (rate(artgen_llm_requests_total{outcome!="ok", model=~"gpt.*"}[5m])) / sum by (model) (rate(artgen_llm_requests_total[5m])) > 0.2').sort()).toEqual([
      'artgen_llm_requests_total',
    ]);
    expect(metricNamesIn('histogram_quantile(0.95, sum by (le, activity_type) (rate(artgen_activity_schedule_to_start_seconds_bucket[$__rate_interval])))')).toEqual([
      'artgen_activity_schedule_to_start_seconds_bucket',
    ]);
    expect(metricNamesIn('max(artgen_tasks_without_progress) > 0 and on() max(artgen_backlog_probe_up) == 1').sort()).toEqual(['artgen_backlog_probe_up', 'artgen_tasks_without_progress']);
    expect(metricNamesIn('increase(a_total[1h] offset 1d) unless ignoring(instance) b_seconds_count')).toEqual(['a_total', 'b_seconds_count']);
    expect(metricNamesIn('label_replace(up, "x", "$1", "job", "(.*)")')).toEqual(['up']);
  });
});
