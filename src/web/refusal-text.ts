import type { z } from 'zod';
import type { AppError } from '../domain/errors.js';
import type { IssueRule } from '../http/validation.js';
import { TASK_STATUSES, type TaskStatus } from '../shared/task-statuses.js';
import type { Lang, MessageKey, Translate } from './i18n/index.js';
import { taskStatusLabel } from './tasks/task-status.js';

/** What a refusal is rendered from: the page's words and language. */
export interface Reader {
  get(key: 't'): Translate;
  get(key: 'lang'): Lang;
}

/** The form fields the console names, by the API's field name (the last part of an issue's path). */
const FIELDS: Record<string, MessageKey> = {
  name: 'fieldName',
  articleCount: 'fieldArticleCount',
  priority: 'fieldPriority',
  concurrency: 'fieldConcurrency',
  maxRetries: 'fieldMaxRetries',
  timeoutSeconds: 'fieldTimeoutSeconds',
  timeoutMinutes: 'fieldTimeoutSeconds',
  cron: 'fieldCron',
  timezone: 'fieldTimezone',
  url: 'fieldUrl',
  events: 'fieldEvents',
  secret: 'fieldSecret',
  keyword: 'fieldKeyword',
  topics: 'fieldTopics',
  ids: 'fieldIds',
  action: 'fieldAction',
  note: 'fieldNote',
  companyName: 'fieldCompanyName',
  website: 'fieldWebsite',
  minChars: 'fieldMinChars',
  maxChars: 'fieldMaxChars',
  minHeadings: 'fieldMinHeadings',
  bannedWords: 'fieldBannedWords',
  system: 'fieldBody',
  user: 'fieldBody',
  scope: 'fieldScope',
  reviewStatus: 'fieldReviewStatus',
  taskId: 'fieldTaskId',
  q: 'fieldSearch',
  articleSettingId: 'articleSetting',
  knowledgeBaseId: 'knowledgeBase',
  albumId: 'album',
  conversionTargetId: 'conversionTarget',
  templateId: 'fieldBody',
};

const fieldLabel = (t: Translate, path: readonly PropertyKey[] | string) => {
  const parts = typeof path === 'string' ? path.split('.') : path.map(String);
  const last = [...parts].reverse().find((p) => !/^\d+$/.test(p));
  const key = last !== undefined ? FIELDS[last] : undefined;
  return t(key ?? 'fieldThis');
};

const formatWord = (t: Translate, format: string | undefined) =>
  t(format === 'url' ? 'formatUrl' : format === 'email' ? 'formatEmail' : format === 'date' || format === 'datetime' ? 'formatDate' : 'formatOther');

/** One issue in the reader's words, from what it checked (its rule), never from zod's English message. */
function ruleText(t: Translate, field: string, rule: IssueRule, message: string): string {
  const n = (v: number | undefined) => String(v ?? '?');
  switch (rule.code) {
    case 'invalid_type':
      if (rule.expected === 'number' || rule.expected === 'int') return t('issueNumber', { field });
      return t('issueRequired', { field });
    case 'too_small':
      if (rule.origin === 'string') return rule.minimum === 1 ? t('issueRequired', { field }) : t('issueMinChars', { field, n: n(rule.minimum) });
      if (rule.origin === 'array' || rule.origin === 'set') return t('issueMinItems', { field, n: n(rule.minimum) });
      return t('issueMin', { field, n: n(rule.minimum) });
    case 'too_big':
      if (rule.origin === 'string') return t('issueMaxChars', { field, n: n(rule.maximum) });
      if (rule.origin === 'array' || rule.origin === 'set') return t('issueMaxItems', { field, n: n(rule.maximum) });
      return t('issueMax', { field, n: n(rule.maximum) });
    case 'not_multiple_of':
      return t('issueInteger', { field });
    case 'invalid_format':
      return t('issueFormat', { field, format: formatWord(t, rule.format) });
    case 'invalid_value':
    case 'invalid_union':
    case 'invalid_key':
    case 'invalid_element':
      return t('issueChoice', { field });
    case 'unrecognized_keys':
      return t('issueUnknownField', { field });
    case 'search_text':
      return t('refusedSearchText');
    default:
      // Custom checks: the time zone one is common enough to say exactly.
      return /IANA time zone/.test(message) ? t('issueTimeZone', { field }) : t('issueInvalid', { field });
  }
}

const ruleOfZod = (i: z.core.$ZodIssue): IssueRule => ({
  code: i.code,
  ...('minimum' in i ? { minimum: Number(i.minimum) } : {}),
  ...('maximum' in i ? { maximum: Number(i.maximum) } : {}),
  ...('origin' in i ? { origin: String(i.origin) } : {}),
  ...('expected' in i ? { expected: String(i.expected) } : {}),
  ...('format' in i ? { format: String(i.format) } : {}),
});

/**
 * A form's zod issues as the page says them. English pages keep the schema's own messages (written for
 * readers of the API); other languages get sentences built from each issue's rule and field.
 *
 * @example issuesText(c, parsed.error.issues) // '文章篇数：不能小于 1。'
 */
export function issuesText(c: Reader, issues: readonly z.core.$ZodIssue[]): string {
  const t = c.get('t');
  if (c.get('lang') === 'en') return issues.map((i) => i.message).join(t('listSeparator'));
  return issues.map((i) => ruleText(t, fieldLabel(t, i.path), ruleOfZod(i), i.message)).join(' ');
}

type Details = Record<string, unknown> | undefined;
type Refusal = Pick<AppError, 'code' | 'message' | 'status'> & { details?: Details };

/** Refusals the console makes itself, already in the page's language. */
const CONSOLE_WORDED = new Set(['CSRF_TOKEN_INVALID', 'CSRF_ORIGIN_REFUSED', 'FIELD_HAS_NUL', 'QUERY_HAS_NUL', 'FORM_UNREADABLE']);

const num = (v: unknown) => (typeof v === 'number' || typeof v === 'string' ? v : '?');

/** The API's validation issues (`details.issues`), worded from their rules. */
function validationText(c: Reader, details: Details, message: string) {
  const t = c.get('t');
  const issues = (details?.issues ?? []) as { field: string; message: string; rule?: IssueRule }[];
  if (c.get('lang') === 'en') return issues.length > 0 ? issues.map((i) => i.message).join(t('listSeparator')) : message;
  if (issues.length === 0) return t('refusedGeneric');
  return issues.map((i) => ruleText(t, fieldLabel(t, i.field), i.rule ?? { code: 'custom' }, i.message)).join(' ');
}

const REVIEW_STATUS: Record<string, MessageKey> = { pending_review: 'reviewPending', approved: 'reviewApproved', rejected: 'reviewRejected' };
const REVIEW_ACTION: Record<string, MessageKey> = { approve: 'reviewApprove', reject: 'reviewReject', reopen: 'reviewReopen' };

/** The reason a schedule spec was refused, as generation-schedules.ts classified Temporal's error. */
const SPEC_REASONS: Record<string, MessageKey> = { cron_fields: 'specCronFields', cron_value: 'specCronValue', time_zone: 'specTimeZone' };

const statusWord = (t: Translate, s: unknown) => ((TASK_STATUSES as readonly unknown[]).includes(s) ? taskStatusLabel(t, s as TaskStatus) : '?');

const WEBHOOK_TARGET_REASONS: Record<string, MessageKey> = {
  not_url: 'refusedWebhookUrl',
  scheme: 'refusedWebhookScheme',
  credentials: 'refusedWebhookCredentials',
  unresolved: 'refusedWebhookUnresolved',
  private_address: 'refusedWebhookPrivate',
};

/** Each known code's sentence from its details; undefined: not one the console words itself. */
function codeText(t: Translate, code: string, d: Details): string | undefined {
  const details = d ?? {};
  switch (code) {
    case 'INVALID_REFERENCE': {
      const invalid = (details.invalid ?? {}) as Record<string, number[]>;
      return t('refusedInvalidReference', { list: Object.entries(invalid).map(([f, ids]) => `${fieldLabel(t, f)} ${ids.join(', ')}`).join(t('listSeparator')) });
    }
    case 'INSUFFICIENT_DISTILLATIONS':
      return details.position !== undefined ? t('refusedRetryNoReplacement', { position: num(details.position) }) : t('insufficientDistillations', { available: num(details.available), requested: num(details.requested) });
    case 'TASK_ALREADY_FINISHED':
      return t('refusedTaskAlreadyFinished', { status: statusWord(t, details.status) });
    case 'TASK_NOT_FINISHED':
      return t('refusedTaskNotFinished', { status: statusWord(t, details.status) });
    case 'NOTHING_TO_RETRY':
      return t('refusedNothingToRetry');
    case 'RETRY_LIMIT_REACHED':
      return t('refusedRetryLimit', { count: num(details.retryCount) });
    case 'RATE_LIMITED':
      return t('refusedRateLimited', { limit: num(details.limit), window: num(details.windowSeconds), retry: num(details.retryAfterSeconds) });
    case 'QUOTA_EXCEEDED':
      return t(details.quota === 'distilledKeywordsPerDay' ? 'refusedQuotaKeywords' : 'refusedQuotaArticles', { limit: num(details.limit), remaining: num(details.remaining), requested: num(details.requested) });
    case 'SCHEDULE_TOO_FREQUENT':
      return t('tooFrequent', { gap: num(details.shortestGapSeconds), min: num(details.minIntervalSeconds) });
    case 'INVALID_SCHEDULE_SPEC':
      return t(SPEC_REASONS[String(details.reason)] ?? 'specOther');
    case 'SCHEDULE_LIMIT_REACHED':
      return t('refusedScheduleLimit', { max: num(details.maxPerAccount ?? details.limit) });
    case 'SCHEDULE_ALREADY_EXISTS':
      return t('refusedScheduleExists');
    case 'SCHEDULE_MISSING_IN_TEMPORAL':
      return t('refusedScheduleMissing');
    case 'TEMPORAL_UNAVAILABLE':
    case 'DEPENDENCY_UNAVAILABLE':
      return t('refusedTemporalUnavailable');
    case 'WORKFLOW_START_FAILED':
      return t('refusedWorkflowStart');
    case 'TOO_MANY_ARTICLES':
      return t('refusedTooManyArticles', { limit: num(details.limit) });
    case 'NOT_FOUND':
      return Array.isArray(details.ids) ? t('refusedArticlesMissing', { ids: details.ids.slice(0, 20).join(', ') }) : undefined;
    case 'EXPORT_TOO_LARGE':
      return t('refusedExportTooLarge', { max: num(details.maxEntries ?? details.max) });
    case 'DELIVERY_IN_PROGRESS':
      return t('refusedDeliveryInProgress');
    case 'WEBHOOK_TARGET_NOT_ALLOWED':
      return t(WEBHOOK_TARGET_REASONS[String(details.reason)] ?? 'refusedWebhookUrl', { host: num(details.host) });
    case 'INVALID_WEBHOOK_SECRET':
      return t('refusedWebhookSecret');
    case 'ALBUM_FULL':
      return t('refusedAlbumFull', { max: num(details.maxImages) });
    case 'PRESET_READ_ONLY':
      return t('refusedPresetReadOnly');
    case 'TEMPLATE_AND_ARTICLE_SETTING':
      return t('refusedTemplateAndSetting');
    case 'REPAIR_PLAN_CHANGED':
      return t('refusedRepairPlanChanged');
    case 'QUESTION_NOT_PENDING_REVIEW':
      return t('refusedQuestionNotPending');
    case 'RUN_ALREADY_FINISHED':
      return t('refusedRunFinished');
    case 'FILE_EMPTY':
      return t('refusedFileEmpty');
    case 'FILE_TOO_LARGE':
      return t('refusedFileTooLarge', { bytes: num(details.bytes), max: num(details.maxBytes) });
    case 'FILE_REQUIRED':
      return t('refusedFileRequired');
    case 'UNSUPPORTED_FILE_TYPE':
    case 'FILE_NOT_UTF8':
    case 'FILE_NOT_TEXT':
      return t('refusedFileType');
    case 'FILE_ENCRYPTED':
      return t('refusedFileEncrypted');
    case 'FILE_UNREADABLE':
      return t('refusedFileUnreadable');
    case 'FILE_NO_TEXT':
      return t('refusedFileNoText');
    case 'FILE_UNPACKS_TOO_LARGE':
      return t('refusedFileUnpacks');
    default:
      return undefined;
  }
}

/**
 * An AppError as the console says it, in the page's language: a known code is worded from its details
 * (the API keeps its English message), validation issues from their rules; an unknown code on a
 * non-English page says the request was refused, not the English text.
 *
 * @example refusalText(c, err) // '本账号已有 10 个定时计划，已达上限；请先删除一个。'
 */
export function refusalText(c: Reader, err: Refusal): string {
  const t = c.get('t');
  if (CONSOLE_WORDED.has(err.code)) return err.message;
  if (err.code === 'FORBIDDEN_SCOPE') {
    const d = err.details ?? {};
    // The console's own guards word it already; the domain's carry the scopes.
    return d.required === undefined || c.get('lang') === 'en' ? err.message : t('refusedScope', { scope: num(d.scope), required: num(d.required) });
  }
  // A console-made validation refusal (no issues) is worded already; the API's carry their issues.
  if (err.code === 'VALIDATION_ERROR') return err.details?.issues === undefined ? err.message : validationText(c, err.details, err.message);
  if (err.code === 'ILLEGAL_REVIEW_TRANSITION') {
    const d = err.details ?? {};
    const status = REVIEW_STATUS[String(d.reviewStatus)];
    const action = REVIEW_ACTION[String(d.action)];
    if (c.get('lang') === 'en' || !status || !action) return c.get('lang') === 'en' ? err.message : t('refusedGeneric');
    return t('refusedReviewTransition', { id: num(d.id), current: t(status), action: t(action) });
  }
  const known = codeText(t, err.code, err.details);
  if (known !== undefined) return known;
  if (c.get('lang') === 'en') return err.message;
  return t(err.status >= 500 ? 'unavailableGeneric' : 'refusedGeneric');
}
