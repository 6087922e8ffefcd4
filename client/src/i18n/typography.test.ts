import { describe, expect, it } from 'vitest';
import fr from './fr.json' with { type: 'json' };
import { withDe } from './elision.js';
import { setLang, t } from './i18n.js';

/*
 * French typography over every message of fr.json. The rule: a no-break
 * space U+00A0 (never a plain space, never nothing) before : ; ! ? and
 * inside « ». U+00A0 rather than the narrower U+202F because every font on
 * every phone has it. Also: the typographic apostrophe, the ellipsis
 * character, elided « de », and one word for the agent.
 */
const NBSP = '\u00a0';
const messages = Object.entries(fr);

/** Everything wrong in one message; empty when it is right. */
function problems(text: string): string[] {
  const found: string[] = [];
  // URLs (« https:// ») are not French punctuation.
  const prose = text.replace(/https?:\/\/[^\s)]*/g, 'URL');
  for (const [i, char] of [...prose].entries()) {
    const before = prose[i - 1];
    const after = prose[i + 1];
    if (':;!?»'.includes(char) && before !== NBSP) found.push(`no no-break space before ${char}`);
    if (char === '«' && after !== NBSP) found.push('no no-break space after «');
  }
  if (prose.includes("'")) found.push('straight apostrophe');
  if (prose.includes('...')) found.push('three dots instead of …');
  if (/\bde \{name\}/.test(prose)) found.push('« de {name} »: use {deName}');
  if (/\b[dl]e [aeiouéèêàâîôû]/i.test(prose)) found.push('missing elision');
  if (/\borganisat/i.test(prose)) found.push('« organisateur »: the word is « agent »');
  if (/ {2}/.test(prose)) found.push('double space');
  return found;
}

describe('French typography in fr.json', () => {
  it('has no faults in any message', () => {
    const faults = messages.flatMap(([key, text]) => problems(text).map((p) => `${key}: ${p}`));
    expect(faults).toEqual([]);
  });

  it('catches what it is meant to catch', () => {
    expect(problems('Réessayer ?')).toEqual(['no no-break space before ?']);
    expect(problems('« Réessayer »')).toHaveLength(2);
    expect(problems('Écran de {name}')).toContain('« de {name} »: use {deName}');
    expect(problems("L'organisateur")).toHaveLength(2);
    expect(problems(`Ouvrez https://exemple.fr${NBSP}: « Oui${NBSP}»`)).toEqual([
      'no no-break space after «',
    ]);
  });

  it('says « agent » for the agent', () => {
    expect(messages.filter(([, text]) => /\bagent\b/i.test(text)).length).toBeGreaterThan(3);
  });
});

describe('withDe', () => {
  it('elides before a vowel, not before a consonant or an h', () => {
    expect(withDe('Alice')).toBe('d’Alice');
    expect(withDe('Émilie')).toBe('d’Émilie');
    expect(withDe('  Yves ')).toBe('d’Yves');
    expect(withDe('Bernard')).toBe('de Bernard');
    expect(withDe('Hugo')).toBe('de Hugo');
  });

  it('fills {deName} from name in French, and English words it its own way', () => {
    setLang('fr');
    expect(t('share.screenOf', { name: 'Alice' })).toBe('Écran d’Alice');
    expect(t('share.screenOf', { name: 'Marie' })).toBe('Écran de Marie');
    setLang('en');
    expect(t('share.screenOf', { name: 'Alice' })).toBe('Alice’s screen');
    setLang('fr');
  });
});
