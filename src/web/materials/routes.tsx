/** @jsxImportSource hono/jsx */
import { Hono } from 'hono';
import { z } from 'zod';
import {
  addAlbumImage,
  albumImageCounts,
  createAlbum,
  createConversionTarget,
  deleteResource,
  getAlbum,
  getConversionTarget,
  listResources,
  removeAlbumImage,
  renameAlbum,
  updateConversionTarget,
} from '../../domain/ingredients/index.js';
import { AppError } from '../../domain/errors.js';
import { getQualitySettings, putQualitySettings } from '../../domain/quality/settings.js';
import type { RouteDeps } from '../../http/deps.js';
import { albumImageInput, albumNameInput, conversionTargetInput, MAX_ALBUM_IMAGES } from '../../http/schemas/ingredient-request.js';
import { qualitySettingsInput } from '../../http/schemas/quality-request.js';
import { parseIdParam } from '../../http/validation.js';
import type { WebContext, WebEnv } from '../context.js';
import { formIssues, formText } from '../form-fields.js';
import { page } from '../layout.js';
import { assertCanWrite } from '../write-guard.js';
import { AlbumPage, AlbumsPage, type AlbumView, type AlbumsView } from './albums.js';
import { ConfirmDeletePage, MaterialsPage } from './materials-parts.js';
import { QualityPage, qualityRequestOf, readQualityForm, type QualityView } from './quality.js';
import { TargetEditPage, targetFormOf, TargetsPage, type TargetFormInput, type TargetsView } from './targets.js';
import { refusalText } from '../refusal-text.js';

const PAGE_SIZE = 20;
const listQuery = z.object({ page: z.coerce.number().int().min(1).max(1_000_000).catch(1) });
const idNotice = z.coerce.number().int().positive().optional().catch(undefined);

const isRefusal = (err: unknown): err is AppError => err instanceof AppError && (err.status === 400 || err.status === 409);

const readTargetForm = (body: Record<string, unknown>): TargetFormInput => ({
  companyName: formText(body.companyName),
  industry: formText(body.industry),
  website: formText(body.website),
  address: formText(body.address),
});
/** An empty optional field is "not given", as the API's null. */
const targetRequestOf = (input: TargetFormInput) => ({
  companyName: input.companyName,
  industry: input.industry || null,
  website: input.website || null,
  address: input.address || null,
});

/** The materials group's landing page. */
export const materialsRoutes = () => new Hono<WebEnv>().get('/', (c) => page(c, <MaterialsPage c={c} />));

/**
 * Albums: list, create, rename, soft delete (after a confirmation), and an album's images (add by URL,
 * remove) with their usage. Through the API's schemas and domain functions.
 */
export function albumRoutes({ db }: RouteDeps) {
  async function listPage(c: WebContext, extra: Partial<AlbumsView> = {}, status: 200 | 400 = 200) {
    const accountId = c.get('session').accountId;
    const { page: n } = listQuery.parse(c.req.query());
    const list = await listResources(db, 'album', accountId, { page: n, pageSize: PAGE_SIZE });
    const counts = await albumImageCounts(db, list.items.map((a) => a.id));
    const albums = list.items.map((a) => ({ id: a.id, name: a.name, createdAt: a.createdAt, imageCount: counts.get(a.id) ?? 0 }));
    return page(c, <AlbumsPage c={c} v={{ albums, page: list.page, pageSize: list.pageSize, total: list.total, ...extra }} />, status);
  }

  async function albumPage(c: WebContext, id: number, extra: Partial<AlbumView> = {}, status: 200 | 400 | 409 = 200) {
    const album = await getAlbum(db, c.get('session').accountId, id);
    return page(c, <AlbumPage c={c} v={{ album, ...extra }} />, status);
  }

  const albumNotice = (c: WebContext) => {
    const t = c.get('t');
    const q = c.req.query();
    if ('created' in q) return t('albumCreated');
    if ('renamed' in q) return t('albumRenamed');
    if ('added' in q) return t('imageAdded');
    if ('removed' in q) return t('imageRemoved');
    return undefined;
  };

  return new Hono<WebEnv>()
    .get('/', (c) => {
      const deleted = idNotice.parse(c.req.query('deleted'));
      return listPage(c, { notice: deleted ? c.get('t')('albumDeleted', { id: deleted }) : undefined });
    })
    .post('/', async (c) => {
      const name = formText((await c.req.parseBody()).name);
      const parsed = albumNameInput.safeParse({ name });
      if (!parsed.success) return listPage(c, { name, error: formIssues(c, parsed.error) }, 400);
      const album = await createAlbum(db, c.get('session').accountId, { name: parsed.data.name, images: [] });
      c.set('auditTargets', { albumId: album.id });
      return c.redirect(`/albums/${album.id}?created`, 303);
    })
    .get('/:id', (c) => albumPage(c, parseIdParam(c), { notice: albumNotice(c) }))
    .post('/:id/rename', async (c) => {
      const id = parseIdParam(c);
      const name = formText((await c.req.parseBody()).name);
      const parsed = albumNameInput.safeParse({ name });
      if (!parsed.success) return albumPage(c, id, { name, renameError: formIssues(c, parsed.error) }, 400);
      await renameAlbum(db, c.get('session').accountId, id, parsed.data.name);
      return c.redirect(`/albums/${id}?renamed`, 303);
    })
    .post('/:id/images', async (c) => {
      const id = parseIdParam(c);
      const body = await c.req.parseBody();
      const image = { url: formText(body.url), description: formText(body.description) };
      const parsed = albumImageInput.safeParse({ url: image.url, description: image.description || null });
      if (!parsed.success) return albumPage(c, id, { image, imageError: formIssues(c, parsed.error) }, 400);
      try {
        const added = await addAlbumImage(db, c.get('session').accountId, id, parsed.data, MAX_ALBUM_IMAGES);
        c.set('auditTargets', { imageId: added.id });
      } catch (err) {
        if (isRefusal(err)) return albumPage(c, id, { image, imageError: refusalText(c, err) }, err.status as 400 | 409);
        throw err;
      }
      return c.redirect(`/albums/${id}?added`, 303);
    })
    .post('/:id/images/:imageId/remove', async (c) => {
      const id = parseIdParam(c);
      await removeAlbumImage(db, c.get('session').accountId, id, parseIdParam(c, 'imageId'));
      return c.redirect(`/albums/${id}?removed`, 303);
    })
    .get('/:id/delete', async (c) => {
      assertCanWrite(c);
      const t = c.get('t');
      const album = await getAlbum(db, c.get('session').accountId, parseIdParam(c));
      const props = { title: t('albumDeleteTitle', { name: album.name }), text: t('albumDeleteText'), confirm: t('albumDeleteConfirm'), keep: t('albumKeep') };
      return page(c, <ConfirmDeletePage c={c} {...props} action={`/albums/${album.id}/delete`} back={`/albums/${album.id}`} />);
    })
    .post('/:id/delete', async (c) => {
      const id = parseIdParam(c);
      await deleteResource(db, 'album', c.get('session').accountId, id);
      return c.redirect(`/albums?deleted=${id}`, 303);
    });
}

/** Conversion targets: list, create, edit, soft delete (after a confirmation), with the API's schema. */
export function conversionTargetRoutes({ db }: RouteDeps) {
  async function listPage(c: WebContext, extra: Partial<TargetsView> = {}, status: 200 | 400 = 200) {
    const { page: n } = listQuery.parse(c.req.query());
    const list = await listResources(db, 'conversionTarget', c.get('session').accountId, { page: n, pageSize: PAGE_SIZE });
    return page(c, <TargetsPage c={c} v={{ targets: list.items, page: list.page, pageSize: list.pageSize, total: list.total, ...extra }} />, status);
  }

  return new Hono<WebEnv>()
    .get('/', (c) => {
      const t = c.get('t');
      const [created, saved, deleted] = (['created', 'saved', 'deleted'] as const).map((k) => idNotice.parse(c.req.query(k)));
      const notice = created ? t('targetCreated', { id: created }) : saved ? t('targetSaved', { id: saved }) : deleted ? t('targetDeleted', { id: deleted }) : undefined;
      return listPage(c, { notice });
    })
    .post('/', async (c) => {
      const input = readTargetForm(await c.req.parseBody());
      const parsed = conversionTargetInput.safeParse(targetRequestOf(input));
      if (!parsed.success) return listPage(c, { input, error: formIssues(c, parsed.error) }, 400);
      const row = await createConversionTarget(db, c.get('session').accountId, parsed.data);
      c.set('auditTargets', { conversionTargetId: row.id });
      return c.redirect(`/conversion-targets?created=${row.id}`, 303);
    })
    .get('/:id/edit', async (c) => {
      assertCanWrite(c);
      const row = await getConversionTarget(db, c.get('session').accountId, parseIdParam(c));
      return page(c, <TargetEditPage c={c} id={row.id} input={targetFormOf(row)} />);
    })
    .post('/:id/edit', async (c) => {
      const id = parseIdParam(c);
      const input = readTargetForm(await c.req.parseBody());
      const parsed = conversionTargetInput.safeParse(targetRequestOf(input));
      if (!parsed.success) {
        // The target gone meanwhile is a 404, not a form to fix.
        await getConversionTarget(db, c.get('session').accountId, id);
        return page(c, <TargetEditPage c={c} id={id} input={input} error={formIssues(c, parsed.error)} />, 400);
      }
      await updateConversionTarget(db, c.get('session').accountId, id, parsed.data);
      return c.redirect(`/conversion-targets?saved=${id}`, 303);
    })
    .get('/:id/delete', async (c) => {
      assertCanWrite(c);
      const t = c.get('t');
      const row = await getConversionTarget(db, c.get('session').accountId, parseIdParam(c));
      const props = { title: t('targetDeleteTitle', { name: row.companyName }), text: t('targetDeleteText'), confirm: t('targetDeleteConfirm'), keep: t('albumKeep') };
      return page(c, <ConfirmDeletePage c={c} {...props} action={`/conversion-targets/${row.id}/delete`} back="/conversion-targets" />);
    })
    .post('/:id/delete', async (c) => {
      const id = parseIdParam(c);
      await deleteResource(db, 'conversionTarget', c.get('session').accountId, id);
      return c.redirect(`/conversion-targets?deleted=${id}`, 303);
    });
}

/** The account's quality gate: each check, what applies, the default, and the account's own value (PUT /api/quality-settings). */
export function qualitySettingsRoutes({ db, quality }: RouteDeps) {
  async function qualityPage(c: WebContext, extra: Partial<QualityView> = {}, status: 200 | 400 = 200) {
    const current = await getQualitySettings(db, c.get('session').accountId, quality);
    return page(c, <QualityPage c={c} v={{ ...current, ...extra }} />, status);
  }

  return new Hono<WebEnv>()
    .get('/', (c) => qualityPage(c, { notice: 'saved' in c.req.query() ? c.get('t')('qualitySaved') : undefined }))
    .post('/', async (c) => {
      const input = readQualityForm(await c.req.parseBody());
      const parsed = qualitySettingsInput.safeParse(qualityRequestOf(input));
      if (!parsed.success) return qualityPage(c, { input, error: formIssues(c, parsed.error) }, 400);
      try {
        await putQualitySettings(db, c.get('session').accountId, parsed.data, quality);
      } catch (err) {
        if (isRefusal(err)) return qualityPage(c, { input, error: refusalText(c, err) }, 400);
        throw err;
      }
      return c.redirect('/quality-settings?saved', 303);
    });
}
