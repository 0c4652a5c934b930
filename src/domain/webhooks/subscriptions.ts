import { and, count, desc, eq, isNull } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { publishingSettings, webhooks } from '../../db/schema.js';
import { notFound } from '../errors.js';
import type { SecretSealer } from './secret-sealing.js';
import { checkWebhookSecret, generateWebhookSecret } from './signing.js';
import { checkWebhookTarget } from './target-address.js';

export interface NewWebhook {
  url: string;
  events: string[];
  secret?: string | undefined;
}

const view = { id: webhooks.id, url: webhooks.url, events: webhooks.events, createdAt: webhooks.createdAt };
const live = (accountId: number) => and(eq(webhooks.accountId, accountId), isNull(webhooks.deletedAt));

/**
 * Subscribes a URL to events. The URL must reach a public address (unless `allowPrivateTargets`); the
 * secret is generated when not given and returned only here; the row keeps it sealed by `o.sealer`.
 */
export async function createWebhook(db: Db, accountId: number, input: NewWebhook, o: { allowPrivateTargets: boolean; sealer: SecretSealer }) {
  const secret = input.secret === undefined ? generateWebhookSecret() : checkWebhookSecret(input.secret);
  const url = (await checkWebhookTarget(input.url, o.allowPrivateTargets)).href;
  const [row] = await db.insert(webhooks).values({ accountId, url, events: [...new Set(input.events)], secret: o.sealer.sealText(secret) }).returning(view);
  return { ...row!, secret };
}

/** The account's webhooks, newest first; never their secrets. */
export async function listWebhooks(db: Db, accountId: number, page: { page: number; pageSize: number }) {
  const [rows, [total]] = await Promise.all([
    db.select(view).from(webhooks).where(live(accountId)).orderBy(desc(webhooks.id)).limit(page.pageSize).offset((page.page - 1) * page.pageSize),
    db.select({ n: count() }).from(webhooks).where(live(accountId)),
  ]);
  return { webhooks: rows, ...page, total: total!.n };
}

/** Stops a webhook: no new deliveries, pending ones end failed, publishing to it is off; its delivery log stays. */
export async function deleteWebhook(db: Db, accountId: number, id: number) {
  return db.transaction(async (tx) => {
    const [row] = await tx.update(webhooks).set({ deletedAt: new Date() }).where(and(eq(webhooks.id, id), live(accountId))).returning(view);
    if (!row) throw notFound('webhook', id);
    await tx.delete(publishingSettings).where(eq(publishingSettings.webhookId, id));
    return row;
  });
}

/** A live webhook of the account, or a 404. */
export async function requireWebhook(db: Db, accountId: number, id: number) {
  const [row] = await db.select(view).from(webhooks).where(and(eq(webhooks.id, id), live(accountId)));
  if (!row) throw notFound('webhook', id);
  return row;
}
