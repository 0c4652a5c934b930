/** @jsxImportSource hono/jsx */
import type { Context } from 'hono';
import { AppError } from '../domain/errors.js';
import type { Logger } from '../logger.js';
import type { WebContext } from './context.js';
import { translator } from './i18n/index.js';
import { page } from './layout.js';
import { MessagePage } from './message-page.js';

/** Errors as pages (the API's handler answers JSON): the AppError's message and status, never a stack. */
export function consoleErrorHandler(log: Logger) {
  return (err: Error, ctx: Context) => {
    const c = ctx as WebContext;
    if (!c.get('t')) {
      c.set('lang', 'en');
      c.set('t', translator('en'));
    }
    const t = c.get('t');
    if (err instanceof AppError && err.status < 500) {
      const title = err.status === 403 ? t('forbidden') : err.status === 404 ? t('notFound') : t('somethingWrong');
      return page(c, <MessagePage c={c} title={title} text={err.message} />, err.status as 400 | 403 | 404 | 409);
    }
    if (err instanceof AppError) return page(c, <MessagePage c={c} title={t('somethingWrong')} text={err.message} />, 503);
    log.error({ err, path: c.req.path }, 'console page failed');
    return page(c, <MessagePage c={c} title={t('somethingWrong')} text="Internal error; the server log has the details." />, 500);
  };
}
