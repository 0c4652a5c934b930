/** Any base will do: only the path, query and fragment of what resolves against it are kept. */
const BASE = 'http://console.invalid';
/** A single slash, then anything but a slash or backslash (which browsers read as a slash). */
const LOCAL_START = /^\/[^/\\]/;
/** C0 and C1 controls, DEL: browsers drop tabs and line breaks from URLs, and headers cannot carry them. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * `next` as a path of this site, else `/`: the language switch must not send the browser elsewhere.
 * The value is checked as decoded (the query already is), then once more as the URL parser writes it,
 * so `/\t/evil`, `/%2F/evil`, `/.//evil` and friends all end at `/`; the answer is percent-encoded, so
 * it is always a valid Location header.
 *
 * @example localRedirectPath('/articles?page=2') // '/articles?page=2'
 * @example localRedirectPath('/\t/evil.example') // '/'
 */
export function localRedirectPath(next: string | undefined): string {
  if (!next || !LOCAL_START.test(next) || CONTROL.test(next)) return '/';
  let url: URL;
  try {
    url = new URL(next, BASE);
  } catch {
    return '/';
  }
  const path = `${url.pathname}${url.search}${url.hash}`;
  return url.origin === BASE && LOCAL_START.test(path) ? path : '/';
}
