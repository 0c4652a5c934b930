import type { DiscrepancyKind } from '../domain/usage/verification.js';
import type { RepairChangeKind } from '../domain/usage/repair-change.js';
import { QUALITY_CHECKS, type QualityCheck, type QualityFlag } from '../shared/quality.js';
import type { MessageKey, Translate } from './i18n/index.js';

/*
 * Check names, reasons and finding codes in the page's language, from the structured flag or code
 * (never from the English message, which is written for the LLM and the API).
 */

const isCheck = (check: string): check is QualityCheck => (QUALITY_CHECKS as readonly string[]).includes(check);

export const qualityCheckLabel = (t: Translate, check: string) => (isCheck(check) ? t(`check_${check}`) : check);

/** A flag's reason from its params; a flag stored before params existed says only that the check failed. */
export function qualityReason(t: Translate, flag: QualityFlag): string {
  if (!flag.params || !isCheck(flag.check)) return t('reason_unknown');
  const vars = Object.fromEntries(Object.entries(flag.params).map(([k, v]) => [k, v ?? '?'])) as Record<string, string | number>;
  return t(`reason_${flag.check}`, vars);
}

const FINDINGS: Record<DiscrepancyKind | RepairChangeKind, MessageKey> = {
  usage_count_mismatch: 'finding_usage_count_mismatch',
  reserved_count_mismatch: 'finding_reserved_count_mismatch',
  duplicate_article: 'finding_duplicate_article',
  duplicate_usage: 'finding_duplicate_usage',
  saved_item_without_article: 'finding_saved_item_without_article',
  generated_count_mismatch: 'finding_generated_count_mismatch',
  terminal_task_with_reservations: 'finding_terminal_task_with_reservations',
  orphaned_task: 'finding_orphaned_task',
  release_reservations: 'change_release_reservations',
  set_usage_count: 'change_set_usage_count',
  set_reserved_count: 'change_set_reserved_count',
  set_task_counters: 'change_set_task_counters',
  finish_orphaned_task: 'change_finish_orphaned_task',
};

/** A usage finding kind (`usage_count_mismatch`) or repair change kind (`set_usage_count`) in words; unknown codes as they are. */
export function usageCodeLabel(t: Translate, code: string): string {
  const key = (FINDINGS as Record<string, MessageKey | undefined>)[code];
  return key ? t(key) : code;
}
