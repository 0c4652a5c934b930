/**
 * The console's Content-Security-Policy: its own files only, no inline script or style, forms only to
 * itself. The article reader also shows images from https hosts (an album's cover, images in the
 * Markdown): the content team's own material, shown with no referrer (`Referrer-Policy: no-referrer` on
 * that page) so an image host learns nothing about the console.
 */
export function consoleCsp(o: { remoteImages?: boolean } = {}) {
  const images = o.remoteImages ? "img-src 'self' data: https:" : "img-src 'self' data:";
  return `default-src 'self'; script-src 'self'; style-src 'self'; ${images}; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'`;
}
