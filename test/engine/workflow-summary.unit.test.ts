import { describe, expect, it } from 'vitest';
import { taskWorkflowMetadata } from '../../src/temporal/task-workflow-summary.js';

const task = { id: 7, accountId: 3 };
const facts = (keywords: (string | null)[]) => ({ requestedCount: keywords.length, distillations: keywords.map((keyword, i) => ({ id: i + 1, keyword })) });

describe('taskWorkflowMetadata', () => {
  it('says how many articles, the first two keywords and how many more, and the account', () => {
    expect(taskWorkflowMetadata(task, facts(['内容营销', 'SEO', 'a', 'b', 'c'])).staticSummary).toBe('Task 7: 5 articles for 内容营销, SEO and 3 more; account 3');
    expect(taskWorkflowMetadata(task, facts(['内容营销'])).staticSummary).toBe('Task 7: 1 article for 内容营销; account 3');
  });

  it('keeps tenant text inert: Markdown is escaped and line breaks fold, so a keyword cannot link, emphasise or add a line', () => {
    const { staticSummary, staticDetails } = taskWorkflowMetadata(task, facts(['[x](javascript:1)', '**b**\n# h']));
    expect(staticSummary).toBe('Task 7: 2 articles for \\[x\\]\\(javascript:1\\), \\*\\*b\\*\\* \\# h; account 3');
    expect(staticDetails.split('\n').filter((l) => l.includes('javascript'))).toEqual(['1. \\[x\\]\\(javascript:1\\) (distillation 1)']);
  });

  it('names a deleted distillation by id, and lists at most 20 in the details', () => {
    const many = facts([null, ...Array.from({ length: 24 }, (_, i) => `k${i}`)]);
    const { staticSummary, staticDetails } = taskWorkflowMetadata(task, many);
    expect(staticSummary).toBe('Task 7: 25 articles for #1, k0 and 23 more; account 3');
    expect(staticDetails.split('\n').filter((l) => /^\d+\. /.test(l))).toHaveLength(20);
    expect(staticDetails).toContain('… and 5 more');
  });

  it('fits the summary in 200 bytes whatever the keywords', () => {
    const long = facts(['长'.repeat(500), '词'.repeat(500), '句'.repeat(500)]);
    const { staticSummary } = taskWorkflowMetadata({ id: 123456789, accountId: 987654321 }, long);
    expect(Buffer.byteLength(staticSummary)).toBeLessThanOrEqual(200);
    expect(staticSummary).toMatch(/^Task 123456789: 3 articles for 长+…/);
  });
});
