import { describe, expect, it } from 'vitest';
import { specRejectionReason } from '../../src/temporal/generation-schedules.js';
import { AREAS, translator, type Lang } from '../../src/web/i18n/index.js';
import { refusalText } from '../../src/web/refusal-text.js';
import { formatInstant, pickZone } from '../../src/web/time.js';

const reader = (lang: Lang) => ({ get: ((key: 't' | 'lang') => (key === 't' ? translator(lang) : lang)) as never });
const LATIN_ALLOWED = new Set(['API', 'Temporal', 'UTC', 'IANA', 'Asia', 'Shanghai', 'JSON', 'Markdown', 'PDF', 'DOCX', 'http', 'https', 'whsec_', 'base64', 'cron']);
const english = (text: string) => (text.match(/[A-Za-z][A-Za-z0-9_'-]{2,}/g) ?? []).filter((w) => !LATIN_ALLOWED.has(w));

describe('times with their zone', () => {
  it('formats an instant as wall-clock time in the zone with its offset, UTC when the offset is 0', () => {
    const at = new Date('2026-12-07T01:30:05Z');
    expect(formatInstant(at, 'Asia/Shanghai')).toBe('2026-12-07 09:30 UTC+08:00');
    expect(formatInstant(at, 'America/New_York')).toBe('2026-12-06 20:30 UTC-05:00');
    expect(formatInstant(new Date('2026-07-07T01:30:05Z'), 'America/New_York')).toBe('2026-07-06 21:30 UTC-04:00');
    expect(formatInstant(at, 'Asia/Kolkata', 'second')).toBe('2026-12-07 07:00:05 UTC+05:30');
    expect(formatInstant(at, 'UTC', 'second')).toBe('2026-12-07 01:30:05 UTC');
    expect(formatInstant(at, 'Europe/London', 'day')).toBe('2026-12-07 UTC');
  });

  it('picks the chosen zone, then the browser\'s, then the language\'s default; unknown names are ignored', () => {
    expect(pickZone('Europe/Berlin', 'America/New_York', 'zh')).toBe('Europe/Berlin');
    expect(pickZone(undefined, 'America/New_York', 'zh')).toBe('America/New_York');
    expect(pickZone('Mars/Olympus', 'not a zone', 'zh')).toBe('Asia/Shanghai');
    expect(pickZone(undefined, undefined, 'en')).toBe('UTC');
  });
});

describe('refusals worded from their codes', () => {
  it('says every refusal the console words itself in Chinese without English words, and in English on an English page', () => {
    const cases = [
      { code: 'INVALID_REFERENCE', details: { invalid: { articleSettingId: [5], albumId: [7] } } },
      { code: 'TASK_ALREADY_FINISHED', details: { status: 'completed' } },
      { code: 'TASK_NOT_FINISHED', details: { status: 'running' } },
      { code: 'RETRY_LIMIT_REACHED', details: { retryCount: 3, maxRetries: 3 } },
      { code: 'RATE_LIMITED', details: { limit: 60, windowSeconds: 60, retryAfterSeconds: 12 } },
      { code: 'QUOTA_EXCEEDED', details: { quota: 'articlesPerDay', limit: 100, remaining: 2, requested: 5 } },
      { code: 'INVALID_SCHEDULE_SPEC', details: { reason: 'cron_fields' } },
      { code: 'INVALID_SCHEDULE_SPEC', details: { reason: 'time_zone' } },
      { code: 'SCHEDULE_LIMIT_REACHED', details: { limit: 10 } },
      { code: 'TOO_MANY_ARTICLES', details: { limit: 1000 } },
      { code: 'ILLEGAL_REVIEW_TRANSITION', details: { id: 4, action: 'approve', reviewStatus: 'rejected' } },
      { code: 'WEBHOOK_TARGET_NOT_ALLOWED', details: { reason: 'private_address', host: '10.0.0.1' } },
      { code: 'VALIDATION_ERROR', details: { issues: [{ field: 'template.priority', message: 'priority must be 1-10', rule: { code: 'too_big', maximum: 10, origin: 'number' } }] } },
      { code: 'SOMETHING_NEW', details: {} },
    ];
    for (const c of cases) {
      const err = { status: 400 as const, message: 'The API says it in English.', ...c };
      const zh = refusalText(reader('zh'), err);
      expect(english(zh), `${c.code}: ${zh}`).toEqual([]);
      expect(zh).not.toContain('?');
      expect(english(refusalText(reader('en'), err)).length, c.code).toBeGreaterThan(0);
    }
    // An English page keeps the API's words where the console has none of its own.
    expect(refusalText(reader('en'), { status: 400, code: 'SOMETHING_NEW', message: 'The API says it in English.' })).toBe('The API says it in English.');
    expect(refusalText(reader('zh'), { status: 400, code: 'SCHEDULE_LIMIT_REACHED', message: '', details: { limit: 10 } })).toBe('本账号已有 10 个定时计划，已达上限；请先删除一个。');
    expect(refusalText(reader('zh'), { status: 400, code: 'VALIDATION_ERROR', message: '', details: { issues: [{ field: 'template.priority', message: '', rule: { code: 'too_big', maximum: 10, origin: 'number' } }] } })).toBe('优先级：不能大于 10。');
  });

  it('classifies Temporal\'s schedule-spec errors by what to fix', () => {
    expect(specRejectionReason('CronString does not have 5-7 fields')).toBe('cron_fields');
    expect(specRejectionReason('unknown time zone Mars/Olympus')).toBe('time_zone');
    expect(specRejectionReason('something else entirely')).toBe('other');
  });

  it('has the words in both languages', () => {
    expect(Object.keys(AREAS.refusals.zh).sort()).toEqual(Object.keys(AREAS.refusals.en).sort());
  });
});
