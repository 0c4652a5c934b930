/** @jsxImportSource hono/jsx */
import { Hono } from 'hono';
import { newKeyInput } from '../../http/schemas/key-input.js';
import { parseIdParam } from '../../http/validation.js';
import type { Db } from '../../db/client.js';
import { createOwnApiKey, deleteWebSession, listApiKeys, revokeApiKey } from '../../domain/accounts/index.js';
import { notFound } from '../../domain/errors.js';
import type { WebContext, WebEnv } from '../context.js';
import { page } from '../layout.js';
import { KeyCreatedPage, KeysPage, RevokeKeyPage, type KeysView } from './keys.js';
import { clearSessionCookie } from '../session.js';
import { holdForOnePage, takeShownOnce } from '../shown-once.js';
import { shownOnceKey, type ShownOnceKey } from './shown-once-key.js';
import { formText as text, formIssues } from '../form-fields.js';

const CREATED_PAGE = '/keys/created';

/** The signed-in account's own keys: list, create (shown once), revoke after a confirmation. */
export function keyRoutes(db: Db) {
  async function render(c: WebContext, extra: Partial<KeysView> = {}, status: 200 | 400 = 200) {
    const keys = await listApiKeys(db, c.get('session').accountId);
    return page(c, <KeysPage c={c} v={{ keys, ...extra }} />, status);
  }
  async function ownKey(c: WebContext) {
    const id = parseIdParam(c);
    const key = (await listApiKeys(db, c.get('session').accountId)).find((k) => k.id === id);
    if (!key) throw notFound('API key', id);
    return key;
  }

  return new Hono<WebEnv>()
    .get('/', async (c) => {
      const revoked = Number(c.req.query('revoked'));
      const keys = await listApiKeys(db, c.get('session').accountId);
      const gone = keys.find((k) => k.id === revoked);
      const t = c.get('t');
      const notice = gone ? t('revokedNotice', { prefix: gone.prefix }) : c.req.query('shown') !== undefined ? t('secretGone') : undefined;
      return page(c, <KeysPage c={c} v={{ keys, notice }} />);
    })
    .post('/', async (c) => {
      const body = await c.req.parseBody();
      const input = { scope: text(body.scope), name: text(body.name), expiresInDays: text(body.expiresInDays) };
      const parsed = newKeyInput.safeParse({
        scope: input.scope,
        name: input.name === '' ? undefined : input.name,
        expiresInDays: input.expiresInDays === '' ? undefined : Number(input.expiresInDays),
      });
      if (!parsed.success) return render(c, { input, error: formIssues(c, parsed.error) }, 400);
      const session = c.get('session');
      const key = await createOwnApiKey(db, { accountId: session.accountId, scope: session.scope }, parsed.data);
      c.set('auditTargets', { keyId: key.keyId });
      holdForOnePage(c, CREATED_PAGE, { apiKey: key.apiKey, prefix: key.prefix, scope: key.scope, name: key.name, expiresAt: key.expiresAt?.toISOString() ?? null } satisfies ShownOnceKey);
      return c.redirect(CREATED_PAGE, 303);
    })
    .get('/created', (c) => {
      const key = takeShownOnce(c, CREATED_PAGE, shownOnceKey);
      if (!key) return c.redirect('/keys?shown', 303);
      return page(c, <KeyCreatedPage c={c} k={key} />);
    })
    .get('/:id/revoke', async (c) => page(c, <RevokeKeyPage c={c} k={await ownKey(c)} />))
    .post('/:id/revoke', async (c) => {
      const session = c.get('session');
      const key = await revokeApiKey(db, parseIdParam(c), { accountId: session.accountId, scope: session.scope });
      if (key.id !== session.keyId) return c.redirect(`/keys?revoked=${key.id}`, 303);
      // The session's own key: the session ends with it (it would stop working on the next page anyway).
      await deleteWebSession(db, c.get('sessionId'));
      clearSessionCookie(c);
      return c.redirect('/sign-in', 303);
    });
}
