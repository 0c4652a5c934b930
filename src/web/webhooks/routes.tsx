/** @jsxImportSource hono/jsx */
import { Hono } from 'hono';
import { z } from 'zod';
import { deliveryQuery, newWebhookInput, publishingInput } from '../../http/schemas/webhook-request.js';
import type { RouteDeps } from '../../http/deps.js';
import { parseIdParam } from '../../http/validation.js';
import { AppError } from '../../domain/errors.js';
import { createWebhook, deleteWebhook, getPublishing, listDeliveries, listWebhooks, putPublishing, requireWebhook, stopPublishing } from '../../domain/webhooks/index.js';
import { webhookSender } from '../../temporal/webhook-sender.js';
import type { WebContext, WebEnv } from '../context.js';
import { page } from '../layout.js';
import { holdForOnePage, takeShownOnce } from '../shown-once.js';
import { assertCanWrite } from '../write-guard.js';
import { DeliveriesPage, type DeliveriesView, type DeliveryFilterInput } from './deliveries.js';
import { PublishingPage, type PublishingFormInput, type PublishingView } from './publishing.js';
import { DeleteWebhookPage, WebhookCreatedPage, WebhooksPage, type CreatedWebhook, type WebhookFormInput, type WebhooksView } from './webhooks.js';
import { formText as text, formIssues as issues } from '../form-fields.js';
import { refusalText } from '../refusal-text.js';

const CREATED_PAGE = '/webhooks/created';
const PAGE_SIZE = 20;
/** The most webhooks the filter and the publishing form offer (the API's largest page). */
const CHOICES = 100;
const createdWebhook: z.ZodType<CreatedWebhook> = z.object({ id: z.number(), url: z.string(), events: z.array(z.string()), secret: z.string() });
const listQuery = z.object({
  page: z.coerce.number().int().min(1).max(1_000_000).catch(1),
  deleted: z.coerce.number().int().positive().optional().catch(undefined),
});
/** The notices the log shows after a redirect. */
const logNotices = z.object({
  sent: z.coerce.number().int().positive().optional().catch(undefined),
  redelivered: z.coerce.number().int().positive().optional().catch(undefined),
});

function readWebhookForm(body: Record<string, unknown>): WebhookFormInput {
  const events = body['events[]'];
  return { url: text(body.url), events: (Array.isArray(events) ? events : events === undefined ? [] : [events]).map(text), secret: text(body.secret) };
}

/**
 * The account's webhooks (create with the secret shown once, test, delete after a confirmation), the
 * delivery log with redelivery, and publish on approval. Every change goes through the functions the
 * /api/webhooks, /api/webhook-deliveries and /api/publishing routes call.
 */
export function webhookRoutes(deps: RouteDeps) {
  const { db, webhooks } = deps;
  const send = webhookSender(deps);
  const clock = { minuteSeconds: webhooks.publishingMinuteSeconds };
  const choices = async (accountId: number) => (await listWebhooks(db, accountId, { page: 1, pageSize: CHOICES })).webhooks;

  async function listPage(c: WebContext, extra: Partial<WebhooksView> = {}, status: 200 | 400 = 200) {
    const accountId = c.get('session').accountId;
    const { page: n } = listQuery.parse(c.req.query());
    const [list, { publishing }] = await Promise.all([listWebhooks(db, accountId, { page: n, pageSize: PAGE_SIZE }), getPublishing(db, accountId, clock)]);
    return page(c, <WebhooksPage c={c} v={{ ...list, publishingWebhookId: publishing?.webhookId ?? null, ...extra }} />, status);
  }

  async function logPage(c: WebContext, extra: Partial<DeliveriesView> = {}, status: 200 | 409 = 200) {
    const accountId = c.get('session').accountId;
    const parsed = deliveryQuery.safeParse(c.req.query());
    // A filter the form never sends (typed by hand): the whole log, with what was wrong.
    const query = parsed.success ? parsed.data : undefined;
    const filter: DeliveryFilterInput = { webhookId: query?.webhookId, status: query?.status };
    const [log, hooks] = await Promise.all([listDeliveries(db, accountId, { ...filter, page: query?.page ?? 1, pageSize: PAGE_SIZE }), choices(accountId)]);
    const error = extra.error ?? (parsed.success ? undefined : issues(c, parsed.error));
    return page(c, <DeliveriesPage c={c} v={{ log, filter, webhooks: hooks, ...extra, error }} />, status);
  }

  async function publishingPage(c: WebContext, extra: Partial<PublishingView> = {}, status: 200 | 400 | 404 = 200) {
    const accountId = c.get('session').accountId;
    const [{ publishing }, hooks] = await Promise.all([getPublishing(db, accountId, clock), choices(accountId)]);
    return page(c, <PublishingPage c={c} v={{ publishing, webhooks: hooks, ...extra }} />, status);
  }

  return new Hono<WebEnv>()
    .get('/', async (c) => {
      const t = c.get('t');
      const { deleted } = listQuery.parse(c.req.query());
      const notice = deleted ? t('webhookDeleted', { id: deleted }) : c.req.query('shown') !== undefined ? t('webhookSecretGone') : undefined;
      return listPage(c, { notice });
    })
    .post('/', async (c) => {
      const input = readWebhookForm(await c.req.parseBody());
      const parsed = newWebhookInput.safeParse({ url: input.url, events: input.events, secret: input.secret === '' ? undefined : input.secret });
      if (!parsed.success) return listPage(c, { input, error: issues(c, parsed.error) }, 400);
      let created;
      try {
        created = await createWebhook(db, c.get('session').accountId, parsed.data, { allowPrivateTargets: webhooks.allowPrivateTargets, sealer: deps.codec });
      } catch (err) {
        if (err instanceof AppError && err.status === 400) return listPage(c, { input, error: refusalText(c, err) }, 400);
        throw err;
      }
      c.set('auditTargets', { webhookId: created.id });
      holdForOnePage(c, CREATED_PAGE, { id: created.id, url: created.url, events: created.events, secret: created.secret } satisfies CreatedWebhook);
      return c.redirect(CREATED_PAGE, 303);
    })
    .get('/created', (c) => {
      const created = takeShownOnce(c, CREATED_PAGE, createdWebhook);
      if (!created) return c.redirect('/webhooks?shown', 303);
      return page(c, <WebhookCreatedPage c={c} w={created} />);
    })
    .get('/deliveries', async (c) => {
      const t = c.get('t');
      const { sent, redelivered } = logNotices.parse(c.req.query());
      const notice = sent ? t('deliveryTestSent', { id: sent }) : redelivered ? t('deliveryRedelivered', { id: redelivered }) : undefined;
      return logPage(c, { notice });
    })
    .post('/deliveries/:id/redeliver', async (c) => {
      try {
        const delivery = await send.redeliver(c.get('session').accountId, parseIdParam(c));
        return c.redirect(`/webhooks/deliveries?redelivered=${delivery.id}`, 303);
      } catch (err) {
        if (err instanceof AppError && err.status === 409) return logPage(c, { error: refusalText(c, err) }, 409);
        throw err;
      }
    })
    .get('/publishing', async (c) => {
      const stopped = c.req.query('stopped');
      const t = c.get('t');
      const notice = c.req.query('saved') !== undefined ? t('publishingSaved') : stopped !== undefined ? t('publishingStopped', { n: Number(stopped) || 0 }) : undefined;
      return publishingPage(c, { notice });
    })
    .post('/publishing', async (c) => {
      const body = await c.req.parseBody();
      const input: PublishingFormInput = { webhookId: text(body.webhookId), intervalMinutes: text(body.intervalMinutes) };
      const parsed = publishingInput.safeParse({ webhookId: Number(input.webhookId), intervalMinutes: input.intervalMinutes === '' ? undefined : Number(input.intervalMinutes) });
      if (!parsed.success) return publishingPage(c, { input, error: issues(c, parsed.error) }, 400);
      try {
        await putPublishing(db, c.get('session').accountId, parsed.data, clock);
      } catch (err) {
        // The webhook deleted meanwhile: said beside the form, which keeps its input.
        if (err instanceof AppError && (err.status === 400 || err.status === 404)) return publishingPage(c, { input, error: refusalText(c, err) }, err.status);
        throw err;
      }
      return c.redirect('/webhooks/publishing?saved', 303);
    })
    .post('/publishing/off', async (c) => {
      const { skippedDeliveries } = await stopPublishing(db, c.get('session').accountId);
      return c.redirect(`/webhooks/publishing?stopped=${skippedDeliveries}`, 303);
    })
    .post('/:id/test', async (c) => {
      const delivery = await send.test(c.get('session').accountId, parseIdParam(c));
      c.set('auditTargets', { deliveryId: delivery.id });
      return c.redirect(`/webhooks/deliveries?webhookId=${delivery.webhookId}&sent=${delivery.id}`, 303);
    })
    .get('/:id/delete', async (c) => {
      assertCanWrite(c);
      return page(c, <DeleteWebhookPage c={c} w={await requireWebhook(db, c.get('session').accountId, parseIdParam(c))} />);
    })
    .post('/:id/delete', async (c) => {
      const deleted = await deleteWebhook(db, c.get('session').accountId, parseIdParam(c));
      return c.redirect(`/webhooks?deleted=${deleted.id}`, 303);
    });
}
