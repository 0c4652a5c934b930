/** @jsxImportSource hono/jsx */
import type { getAlbum } from '../../domain/ingredients/index.js';
import { canWrite, type WebContext } from '../context.js';
import { CsrfField, Layout } from '../layout.js';
import { Pager } from '../pager.js';
import { TableScroll } from '../table-scroll.js';
import { MaterialsAreaNav, Messages } from './materials-parts.js';
import { Time } from '../time.js';

export interface AlbumRow {
  id: number;
  name: string;
  createdAt: Date;
  imageCount: number;
}

export interface AlbumsView {
  albums: AlbumRow[];
  page: number;
  pageSize: number;
  total: number;
  notice?: string;
  error?: string;
  /** The new album's name as typed, when it was refused. */
  name?: string;
}

export type AlbumDetail = Awaited<ReturnType<typeof getAlbum>>;

export interface AlbumView {
  album: AlbumDetail;
  notice?: string;
  /** A refused rename, with the name as typed. */
  renameError?: string;
  name?: string;
  /** A refused image, with the form as typed. */
  imageError?: string;
  image?: { url: string; description: string };
}


export function AlbumsPage({ c, v }: { c: WebContext; v: AlbumsView }) {
  const t = c.get('t');
  return (
    <Layout c={c} title={t('albumsNav')}>
      <MaterialsAreaNav c={c} />
      <p class="help">{t('albumsHelp')}</p>
      <Messages notice={v.notice} />
      <TableScroll label={t('albumsNav')}>
        <table id="albums">
          <thead>
            <tr><th scope="col">{t('albumName')}</th><th scope="col">{t('albumImages')}</th><th scope="col">{t('created')}</th></tr>
          </thead>
          <tbody>
            {v.albums.length === 0 && <tr><td colspan={3}>{t('noRows')}</td></tr>}
            {v.albums.map((a) => (
              <tr data-album-id={a.id}>
                <td class="album-name"><a href={`/albums/${a.id}`}>{a.name}</a></td>
                <td class="album-images">{a.imageCount}</td>
                <td><Time c={c} at={a.createdAt} precision="day" /></td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
      <Pager c={c} page={v.page} pageSize={v.pageSize} total={v.total} summary="none" href={(p) => `/albums?page=${p}`} />
      {canWrite(c) && (
        <form method="post" action="/albums" class="card narrow" id="new-album" aria-labelledby="new-album-title">
          <h2 id="new-album-title">{t('albumNew')}</h2>
          <CsrfField token={c.get('session').csrfToken} />
          <Messages error={v.error} errorId="album-error" />
          <label for="album-name">{t('albumName')}</label>
          <input id="album-name" name="name" required maxlength={200} value={v.name ?? ''} />
          <button type="submit" id="create-album">{t('albumCreate')}</button>
        </form>
      )}
    </Layout>
  );
}

/** The image the next article written with the album takes: the least used, the oldest among equals (as loadArticleIngredients picks). */
export const nextImageId = (images: AlbumDetail['images']) =>
  images.reduce<AlbumDetail['images'][number] | undefined>((best, i) => (!best || i.usageCount < best.usageCount || (i.usageCount === best.usageCount && i.id < best.id) ? i : best), undefined)?.id;

function ImageRows({ c, album }: { c: WebContext; album: AlbumDetail }) {
  const t = c.get('t');
  const next = nextImageId(album.images);
  return (
    <>
      {album.images.map((i) => (
        <tr data-image-id={i.id}>
          <td class="image-url">
            <a href={i.url} rel="noreferrer noopener" target="_blank"><code>{i.url}</code></a>
            {i.id === next && <> <span class="state-badge active">{t('imageNext')}</span></>}
          </td>
          <td class="image-description">{i.description ?? ''}</td>
          <td class="image-used" data-usage-count={i.usageCount}>{t('imageUsedTimes', { n: i.usageCount })}</td>
          <td>
            {canWrite(c) && (
              <form method="post" action={`/albums/${album.id}/images/${i.id}/remove`} class="inline">
                <CsrfField token={c.get('session').csrfToken} />
                <button type="submit" aria-label={t('imageRemoveLabel', { url: i.url })}>{t('imageRemove')}</button>
              </form>
            )}
          </td>
        </tr>
      ))}
    </>
  );
}

export function AlbumPage({ c, v }: { c: WebContext; v: AlbumView }) {
  const t = c.get('t');
  const { album } = v;
  const token = c.get('session').csrfToken;
  return (
    <Layout c={c} title={t('albumTitle', { name: album.name })}>
      <MaterialsAreaNav c={c} />
      <Messages notice={v.notice} />
      {album.images.length === 0 ? (
        <p class="note" id="no-images">{t('albumNoImages')}</p>
      ) : (
        <>
          <p class="help" id="next-help">{t('imageNextHelp')}</p>
          <TableScroll label={t('albumImages')}>
            <table id="album-images">
              <thead>
                <tr><th scope="col">{t('imageUrl')}</th><th scope="col">{t('imageDescription')}</th><th scope="col">{t('imageUsed')}</th><th scope="col"></th></tr>
              </thead>
              <tbody><ImageRows c={c} album={album} /></tbody>
            </table>
          </TableScroll>
        </>
      )}
      {canWrite(c) && (
        <div class="forms">
          <form method="post" action={`/albums/${album.id}/images`} class="card narrow" id="add-image" aria-labelledby="add-image-title">
            <h2 id="add-image-title">{t('imageAdd')}</h2>
            <CsrfField token={token} />
            <Messages error={v.imageError} errorId="image-error" />
            <label for="image-url">{t('imageUrl')}</label>
            <input id="image-url" name="url" type="url" required maxlength={2048} value={v.image?.url ?? ''} aria-describedby="image-url-help" autocomplete="off" spellcheck={false} />
            <p id="image-url-help" class="help">{t('imageUrlHelp')}</p>
            <label for="image-description">{t('imageDescription')}</label>
            <input id="image-description" name="description" maxlength={500} value={v.image?.description ?? ''} aria-describedby="image-description-help" />
            <p id="image-description-help" class="help">{t('imageDescriptionHelp')}</p>
            <button type="submit" id="add-image-button">{t('imageAdd')}</button>
          </form>
          <form method="post" action={`/albums/${album.id}/rename`} class="card narrow" id="rename-album" aria-labelledby="rename-album-title">
            <h2 id="rename-album-title">{t('albumRename')}</h2>
            <CsrfField token={token} />
            <Messages error={v.renameError} errorId="rename-error" />
            <label for="album-rename">{t('albumName')}</label>
            <input id="album-rename" name="name" required maxlength={200} value={v.name ?? album.name} />
            <button type="submit" id="rename-album-button">{t('albumRename')}</button>
          </form>
          <p><a class="danger-link" href={`/albums/${album.id}/delete`} id="delete-album">{t('albumDelete')}</a></p>
        </div>
      )}
      <p><a href="/albums">{t('back')}</a></p>
    </Layout>
  );
}
