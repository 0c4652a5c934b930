/** @jsxImportSource hono/jsx */
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { errorCodes, isDataException } from '../http/error-handler.js';
import { AppError } from '../domain/errors.js';
import { refusalText } from './refusal-text.js';
import type { Logger } from '../logger.js';
import type { WebContext } from './context.js';
import { translator, type MessageKey } from './i18n/index.js';
import { page } from './layout.js';
import { MessagePage } from './message-page.js';

/** The domain's NOT_FOUND names its resource in English (`details.resource`); the page names it in its language. */
const RESOURCE_WORDS: Record<string, MessageKey> = {
  task: 'resourceTask',
  article: 'resourceArticle',
  distillation: 'resourceDistillation',
  schedule: 'resourceSchedule',
  notification: 'resourceNotification',
  account: 'resourceAccount',
  'usage report': 'resourceUsageReport',
  album: 'resourceAlbum',
  albumImage: 'resourceAlbumImage',
  conversionTarget: 'resourceConversionTarget',
};

/** The refusal statuses a page answers with as they are; any other 4xx is answered as 400 (the page names it). */
const PAGE_REFUSALS = [400, 403, 404, 409] as const;

/** A refusal in the page's language where the console can word it; else the domain's own message (English, with its code beside it). */
function pageRefusalText(c: WebContext, err: AppError) {
  const t = c.get('t');
  const resource = err.details?.resource;
  const word = typeof resource === 'string' ? RESOURCE_WORDS[resource] : undefined;
  if (err.code === 'NOT_FOUND' && word && err.details?.id !== undefined) return t('notFoundText', { resource: t(word), id: String(err.details?.id ?? '') });
  return refusalText(c, err);
}

/** A console URL nobody serves: a page in the reader's language (set on `ctx` by the caller), status 404. */
export function consoleNotFoundPage(ctx: Context) {
  const c = ctx as WebContext;
  const t = c.get('t');
  return page(c, <MessagePage c={c} title={t('notFound')} text={t('pageNotFoundText')} />, 404);
}

/** Errors as pages (the API's handler answers JSON): the AppError's message, code and status, never a stack. */
export function consoleErrorHandler(log: Logger) {
  return (err: Error, ctx: Context) => {
    const c = ctx as WebContext;
    if (!c.get('t')) {
      c.set('lang', 'en');
      c.set('t', translator('en'));
      c.set('zone', 'UTC');
    }
    const t = c.get('t');
    if (err instanceof AppError && err.status < 500) {
      const title = err.status === 403 ? t('forbidden') : err.status === 404 ? t('notFound') : t('somethingWrong');
      return page(c, <MessagePage c={c} title={title} text={pageRefusalText(c, err)} code={err.code} />, err.status as 400 | 403 | 404 | 409);
    }
    if (err instanceof AppError) return page(c, <MessagePage c={c} title={t('somethingWrong')} text={refusalText(c, err)} code={err.code} />, 503);
    // Refusals of Hono's own middleware and values PostgreSQL cannot store are the request's fault, not the server's.
    if (err instanceof HTTPException && err.status < 500) {
      const title = err.status === 403 ? t('forbidden') : t('somethingWrong');
      const status = PAGE_REFUSALS.find((s) => s === err.status) ?? 400;
      return page(c, <MessagePage c={c} title={title} text={t('requestRefused', { status: err.status })} />, status);
    }
    if (isDataException(errorCodes(err))) return page(c, <MessagePage c={c} title={t('somethingWrong')} text={t('valueNotStorable')} code="INVALID_INPUT" />, 400);
    log.error({ err, path: c.req.path }, 'console page failed');
    return page(c, <MessagePage c={c} title={t('somethingWrong')} text={t('internalError')} />, 500);
  };
}
