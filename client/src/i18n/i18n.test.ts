import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../../signaling/protocol/index.js';
import en from './en.json' with { type: 'json' };
import fr from './fr.json' with { type: 'json' };
import { isMessageKey, pickInitialLang, setLang, t } from './i18n.js';

const placeholders = (text: string): string[] =>
  [...text.matchAll(/\{(\w+)\}/g)]
    // French {deName} is « de » + name, elided (i18n.ts): the same variable as English {name}.
    .map((m) => (m[1] === 'deName' ? 'name' : (m[1] ?? '')))
    .sort();

describe('catalogs', () => {
  it('have the same keys, no empty message, and the same placeholders', () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(fr).sort());
    for (const [key, text] of Object.entries(fr)) {
      const english: unknown = Reflect.get(en, key);
      expect(typeof english === 'string' && english.trim() !== '', `en: ${key}`).toBe(true);
      expect(text.trim(), `fr: ${key}`).not.toBe('');
      expect(placeholders(String(english)), key).toEqual(placeholders(text));
    }
  });

  it('explain every error code the page must show', () => {
    for (const code of [
      'WRONG_PASSWORD',
      'ROOM_NOT_FOUND',
      'INVALID_PAYLOAD',
      'ROOM_CLOSED',
      'SHUTTING_DOWN',
      'PROTOCOL_VERSION',
      'generic',
    ]) {
      expect(isMessageKey(`error.${code}`), code).toBe(true);
    }
    // A code the catalogs don't know is a protocol code (the rest fall back to generic).
    for (const key of Object.keys(fr).filter((k) => k.startsWith('error.') && k !== 'error.generic')) {
      const code = key.slice('error.'.length);
      expect(
        code.startsWith('MEDIA_') ||
          ['TIMEOUT', 'NETWORK'].includes(code) ||
          ERROR_CODES.some((c) => c === code),
        key,
      ).toBe(true);
    }
  });
});

describe('pickInitialLang', () => {
  const pick = (search: string, stored: string | null, navigatorLanguage?: string): string =>
    pickInitialLang({ search, stored, navigatorLanguage });

  it('is French by default, English for English browsers', () => {
    expect(pick('', null, 'fr-FR')).toBe('fr');
    expect(pick('', null, 'de-DE')).toBe('fr');
    expect(pick('', null, undefined)).toBe('fr');
    expect(pick('', null, 'en-GB')).toBe('en');
  });

  it('lets an explicit choice win: ?lang= first, then the stored switch', () => {
    expect(pick('?lang=en', null, 'fr-FR')).toBe('en');
    expect(pick('?lang=fr', 'en', 'en-US')).toBe('fr');
    expect(pick('', 'fr', 'en-US')).toBe('fr');
    expect(pick('?lang=xx', 'en', 'fr-FR')).toBe('en');
  });
});

describe('t', () => {
  it('fills placeholders in the current language', () => {
    setLang('en');
    expect(t('call.peerJoined', { name: 'Alice' })).toBe('Alice joined the appointment.');
    setLang('fr');
    expect(t('call.peerJoined', { name: 'Alice' })).toBe('Alice a rejoint le rendez-vous.');
    expect(t('call.peerJoined')).toContain('{name}');
  });
});
