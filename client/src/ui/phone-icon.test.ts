import { describe, expect, it } from 'vitest';
import { setLang } from '../i18n/i18n.js';
import { phoneCallerLabel } from './phone-icon.js';

describe('what a screen reader says for a phone caller', () => {
  it('reads the last two digits, not the dots', () => {
    setLang('fr');
    expect(phoneCallerLabel('Téléphone •• •• 42')).toBe('Appel téléphonique, numéro finissant par 42');
    expect(phoneCallerLabel('Téléphone masqué')).toBe('Appel téléphonique, numéro masqué');
    setLang('en');
    expect(phoneCallerLabel('Téléphone •• •• 07')).toBe('Phone call, number ending in 07');
    setLang('fr');
  });
});
