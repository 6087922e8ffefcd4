import fr from './fr.json' with { type: 'json' };
import en from './en.json' with { type: 'json' };
import { withDe } from './elision.js';

/*
 * Every user-visible string lives in fr.json / en.json. French is the
 * reference: its keys define MessageKey, and the annotation on CATALOGS makes
 * a key missing from en.json a compile error.
 */
export type MessageKey = keyof typeof fr;
export type Lang = 'fr' | 'en';
export const LANGS: readonly Lang[] = ['fr', 'en'];

const CATALOGS: Record<Lang, Record<MessageKey, string>> = { fr, en };

/** Key under which an explicit choice made with the switch button is kept. */
export const LANG_STORAGE_KEY = 'guichet.lang';

let current: Lang = 'fr';

export function isLang(value: unknown): value is Lang {
  return value === 'fr' || value === 'en';
}

// Object.hasOwn is ES2022; the bundle targets ES2020 browsers.
function hasOwn(object: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(object, key);
}

export function isMessageKey(value: string): value is MessageKey {
  return hasOwn(fr, value);
}

/**
 * An explicit choice wins (`?lang=` first, then the switch button's stored
 * choice); otherwise English only for browsers that ask for it, because the
 * service is French first.
 */
export function pickInitialLang(input: {
  search: string;
  stored: string | null;
  navigatorLanguage: string | undefined;
}): Lang {
  const fromQuery = new URLSearchParams(input.search).get('lang');
  if (isLang(fromQuery)) return fromQuery;
  if (isLang(input.stored)) return input.stored;
  return input.navigatorLanguage?.toLowerCase().startsWith('en') ? 'en' : 'fr';
}

export function currentLang(): Lang {
  return current;
}

export function setLang(lang: Lang): void {
  current = lang;
}

export type MessageVars = Record<string, string | number>;

/**
 * Looks up a message in the current language and fills `{name}` placeholders.
 * `{deName}` is French « de » + `name`, elided (« d’Alice »): callers pass
 * `name` only, and each language words it its own way.
 */
export function t(key: MessageKey, vars?: MessageVars): string {
  const template = CATALOGS[current][key];
  if (!vars) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    if (hasOwn(vars, name)) return String(vars[name]);
    if (name === 'deName' && hasOwn(vars, 'name')) return withDe(String(vars['name']));
    return whole;
  });
}
