import { describe, expect, it } from 'vitest';
import { AREAS, pickLang, translator } from '../../src/web/i18n/index.js';

describe('console dictionaries', () => {
  it('gives every key to one area only, in both languages', () => {
    const owner = new Map<string, string>();
    for (const [area, dict] of Object.entries(AREAS)) {
      expect(Object.keys(dict.zh).sort(), `${area}: zh and en list the same keys`).toEqual(Object.keys(dict.en).sort());
      for (const key of Object.keys(dict.en)) {
        expect(owner.get(key), `${key} is in ${owner.get(key)} and ${area}`).toBeUndefined();
        owner.set(key, area);
      }
    }
    expect(owner.size).toBeGreaterThan(50);
  });

  it('fills placeholders and picks the language from the cookie, then the browser, then Chinese', () => {
    expect(translator('en')('task', { id: 7 })).toBe('Task 7');
    expect(translator('zh')('task', { id: 7 })).toBe('任务 7');
    expect(pickLang(undefined, 'en-US,en;q=0.9')).toBe('en');
    expect(pickLang('zh', 'en-US')).toBe('zh');
    expect(pickLang(undefined, 'fr-FR, de;q=0.5')).toBe('zh');
  });
});
