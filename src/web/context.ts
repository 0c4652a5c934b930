import type { Context } from 'hono';
import type { RequestIdVariables } from 'hono/request-id';
import type { WebSession } from '../domain/accounts/index.js';
import type { Lang, Translate } from './i18n/index.js';

export type WebVariables = {
  lang: Lang;
  t: Translate;
  /** The IANA zone the page shows its times in (src/web/time.tsx). */
  zone: string;
  /** Set on every page behind sign-in. */
  session: WebSession;
  sessionId: string;
  /** The navigation's unread badge: counted when a page renders it, not on posts or streams. */
  unreadNotifications: () => Promise<number>;
  /** Ids a console write created (`{ keyId: 9 }`), for its audit row beside the path's ids. */
  auditTargets: Record<string, number | number[]>;
  /** Who a sign-in attempt was, for its audit row: a key prefix and its account when known (`auditBucket`: throttled). */
  signInAttempt: { ok: boolean; accountId: number | null; keyPrefix: string | null; auditBucket?: string };
};

export type WebEnv = { Variables: WebVariables & RequestIdVariables };
export type WebContext = Context<WebEnv>;

/** Whether the signed-in key may change things: a `read` key sees every page without its buttons. */
export const canWrite = (c: WebContext) => c.get('session').scope !== 'read';
