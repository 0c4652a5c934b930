/** @jsxImportSource hono/jsx */
import type { ApiKeyView } from '../../domain/accounts/index.js';
import { SCOPES, scopeAllows } from '../../shared/key-scopes.js';
import { canWrite, type WebContext } from '../context.js';
import { CsrfField, Layout } from '../layout.js';
import type { ShownOnceKey } from './shown-once-key.js';
import { SecretShownOnce } from '../secret-shown-once.js';
import { TableScroll } from '../table-scroll.js';
import { Time } from '../time.js';

export interface KeysView {
  keys: ApiKeyView[];
  notice?: string;
  error?: string;
  input?: { scope: string; name: string; expiresInDays: string };
}

const maybe = (c: WebContext, d: Date | null, t: (k: 'never') => string) => (d ? <Time c={c} at={d} /> : t('never'));

/** Revoke leads to a confirmation page; only keys this key may revoke (its scope or lower) get the link. */
function KeyRow({ c, k }: { c: WebContext; k: ApiKeyView }) {
  const t = c.get('t');
  const session = c.get('session');
  const mine = k.id === session.keyId;
  return (
    <tr data-key-id={k.id} data-revoked={k.revokedAt ? 'true' : 'false'}>
      <td><code>{`${k.prefix}…`}</code>{mine && <span class="help"> {t('thisKeyNote')}</span>}</td>
      <td>{k.scope}</td>
      <td>{k.name ?? ''}</td>
      <td><Time c={c} at={k.createdAt} /></td>
      <td>{maybe(c, k.lastUsedAt, t)}</td>
      <td>{maybe(c, k.expiresAt, t)}</td>
      <td>{k.revokedAt ? <Time c={c} at={k.revokedAt} /> : ''}</td>
      <td>
        {canWrite(c) && !k.revokedAt && scopeAllows(session.scope, k.scope) && (
          <a href={`/keys/${k.id}/revoke`} aria-label={`${t('revoke')} ${k.prefix}`}>{t('revoke')}</a>
        )}
      </td>
    </tr>
  );
}

function NewKeyForm({ c, v }: { c: WebContext; v: KeysView }) {
  const t = c.get('t');
  const own = c.get('session').scope;
  const chosen = v.input?.scope ?? 'read';
  return (
    <form method="post" action="/keys" class="card narrow" id="new-key" aria-labelledby="new-key-title">
      <h2 id="new-key-title">{t('newKey')}</h2>
      <CsrfField token={c.get('session').csrfToken} />
      <label for="key-scope">{t('keyScope')}</label>
      <select id="key-scope" name="scope" aria-describedby="key-scope-help">
        {SCOPES.filter((s) => scopeAllows(own, s)).map((s) => <option value={s} selected={s === chosen}>{s}</option>)}
      </select>
      <p id="key-scope-help" class="help">{t('keyScopeHelp')}</p>
      <label for="key-name">{t('keyName')}</label>
      <input id="key-name" name="name" maxlength={200} value={v.input?.name ?? ''} />
      <label for="key-expiry">{t('keyExpiryDays')}</label>
      <input id="key-expiry" name="expiresInDays" type="number" min={1} max={3650} step={1} inputmode="numeric" value={v.input?.expiresInDays ?? ''} />
      {v.error && <p class="error" role="alert">{v.error}</p>}
      <button type="submit">{t('createKey')}</button>
    </form>
  );
}

export function KeysPage({ c, v }: { c: WebContext; v: KeysView }) {
  const t = c.get('t');
  return (
    <Layout c={c} title={t('keys')}>
      {v.notice && <p class="notice" role="status">{v.notice}</p>}
      <TableScroll label={t('keys')}>
        <table id="keys">
          <thead>
            <tr>
              <th scope="col">{t('keyPrefix')}</th><th scope="col">{t('keyScope')}</th><th scope="col">{t('keyName')}</th>
              <th scope="col">{t('created')}</th><th scope="col">{t('lastUsed')}</th><th scope="col">{t('expires')}</th>
              <th scope="col">{t('revokedAt')}</th><th scope="col"><span class="visually-hidden">{t('actions')}</span></th>
            </tr>
          </thead>
          <tbody>{v.keys.map((k) => <KeyRow c={c} k={k} />)}</tbody>
        </table>
      </TableScroll>
      {canWrite(c) && <NewKeyForm c={c} v={v} />}
    </Layout>
  );
}

/** The new key, once, with its prefix, scope, name and expiry. */
export function ShownOnceSecret({ c, k }: { c: WebContext; k: ShownOnceKey }) {
  const t = c.get('t');
  return (
    <SecretShownOnce c={c} warning={t('shownOnce')} label={t('secretLabel')} secret={k.apiKey}>
      <dl class="facts">
        <dt>{t('keyPrefix')}</dt><dd><code>{`${k.prefix}…`}</code></dd>
        <dt>{t('keyScope')}</dt><dd>{k.scope}</dd>
        {k.name && <><dt>{t('keyName')}</dt><dd>{k.name}</dd></>}
        <dt>{t('expires')}</dt><dd>{k.expiresAt ? <Time c={c} at={k.expiresAt} /> : t('never')}</dd>
      </dl>
    </SecretShownOnce>
  );
}

export function KeyCreatedPage({ c, k }: { c: WebContext; k: ShownOnceKey }) {
  const t = c.get('t');
  return (
    <Layout c={c} title={t('keyCreated')}>
      <ShownOnceSecret c={c} k={k} />
      <p><a href="/keys">{t('back')}</a></p>
    </Layout>
  );
}

/** The confirmation before a revoke; says so when the key is the one this session signed in with. */
export function RevokeKeyPage({ c, k }: { c: WebContext; k: ApiKeyView }) {
  const t = c.get('t');
  const mine = k.id === c.get('session').keyId;
  return (
    <Layout c={c} title={t('revokeTitle', { prefix: k.prefix })}>
      {k.revokedAt ? (
        <p class="notice" role="status">{t('alreadyRevoked')}</p>
      ) : (
        <form method="post" action={`/keys/${k.id}/revoke`} class="card narrow" id="revoke-key">
          <CsrfField token={c.get('session').csrfToken} />
          <p>{t('revokeText', { prefix: k.prefix, scope: k.scope })}</p>
          {mine && <p class="error" id="revoke-self">{t('revokeSelf')}</p>}
          {canWrite(c) && <button type="submit" class="danger">{t('revokeButton')}</button>}
        </form>
      )}
      <p><a href="/keys">{t('cancelLink')}</a></p>
    </Layout>
  );
}
