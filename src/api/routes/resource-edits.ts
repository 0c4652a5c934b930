import { Hono } from 'hono';
import { z } from 'zod';
import { addAlbumImage, getAlbum, removeAlbumImage, renameAlbum, updateConversionTarget } from '../../domain/ingredients/index.js';
import type { ApiDeps } from '../../http/deps.js';
import { count, id } from '../../http/schemas/common.js';
import { albumImageInput, albumNameInput, conversionTargetInput, MAX_ALBUM_IMAGES } from '../../http/schemas/ingredient-request.js';
import { parseIdParam, parseJsonBody } from '../../http/validation.js';
import type { ApiOperation } from '../operation.js';
import type { ApiEnv } from '../types.js';
import { albumDetail, conversionTargetRow } from './resources.js';

/**
 * Changes to an album and a conversion target after they were created, besides resources.ts's create,
 * list, get and delete: the console's material pages call the same domain functions.
 */
const image = z.object({ id, url: z.string(), description: z.string().nullable(), usageCount: count.describe('Articles that used the image') });

export function albumEditRoutes({ db }: ApiDeps) {
  return new Hono<ApiEnv>()
    .patch('/:id', async (c) => {
      const albumId = parseIdParam(c);
      const { name } = await parseJsonBody(c, albumNameInput);
      await renameAlbum(db, c.get('accountId'), albumId, name);
      return c.json(await getAlbum(db, c.get('accountId'), albumId));
    })
    .post('/:id/images', async (c) => {
      const albumId = parseIdParam(c);
      const input = await parseJsonBody(c, albumImageInput);
      const row = await addAlbumImage(db, c.get('accountId'), albumId, input, MAX_ALBUM_IMAGES);
      return c.json({ id: row.id, url: row.url, description: row.description, usageCount: row.usageCount }, 201);
    })
    .delete('/:id/images/:imageId', async (c) => {
      await removeAlbumImage(db, c.get('accountId'), parseIdParam(c), parseIdParam(c, 'imageId'));
      return c.body(null, 204);
    });
}

export const albumEditOperations: ApiOperation[] = [
  { method: 'patch', path: '/:id', summary: 'Rename an album', body: albumNameInput, response: albumDetail },
  {
    method: 'post',
    path: '/:id/images',
    summary: `Add an image to an album (at most ${MAX_ALBUM_IMAGES} an album); it starts unused, so the next article takes it`,
    body: albumImageInput,
    status: 201,
    response: image,
    errors: { 409: ['ALBUM_FULL'] },
  },
  { method: 'delete', path: '/:id/images/:imageId', summary: 'Remove an image from an album (articles already written keep its URL)', status: 204 },
];

export function conversionTargetEditRoutes({ db }: ApiDeps) {
  return new Hono<ApiEnv>().put('/:id', async (c) => {
    const targetId = parseIdParam(c);
    const input = await parseJsonBody(c, conversionTargetInput);
    return c.json(await updateConversionTarget(db, c.get('accountId'), targetId, input));
  });
}

export const conversionTargetEditOperations: ApiOperation[] = [
  { method: 'put', path: '/:id', summary: 'Replace a conversion target (fields left out become empty); tasks use it for the articles not written yet', body: conversionTargetInput, response: conversionTargetRow },
];
