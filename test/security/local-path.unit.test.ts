import { describe, expect, it } from 'vitest';
import { localRedirectPath } from '../../src/web/local-path.js';
import { REDIRECT_BYPASSES } from '../support/redirect-bypasses.js';

/** The language switch's `next` check (issue 15, item 13); hostile-input.test.ts sends the same values over HTTP. */
const BASE = 'http://console.invalid';
const decoded = (raw: string) => {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
};

describe('localRedirectPath', () => {
  it.each(REDIRECT_BYPASSES.flatMap((raw) => [raw, decoded(raw)]))('turns %j into a path of this origin', (next) => {
    const path = localRedirectPath(next);
    expect(new URL(path, BASE).origin).toBe(BASE);
    expect(path).toMatch(/^\/(?![/\\])/);
    expect(path).not.toMatch(/[\u0000-\u0020\u007f]/);
  });

  it('keeps an ordinary local path with its query, and answers / for nothing', () => {
    expect(localRedirectPath('/articles?page=2')).toBe('/articles?page=2');
    expect(localRedirectPath(undefined)).toBe('/');
  });
});
