import fr from './i18n/fr.json' with { type: 'json' };
import en from './i18n/en.json' with { type: 'json' };
import type { Lang } from '../i18n/i18n.js';

/*
 * The console's words (fr.json is the reference: a key missing from en.json
 * is a compile error). Kept apart from the citizen page's catalogs: agents'
 * vocabulary changes without touching what citizens read.
 */
export type ConsoleKey = keyof typeof fr;
const CATALOGS: Record<Lang, Record<ConsoleKey, string>> = { fr, en };

let current: Lang = 'fr';

export function setConsoleLang(lang: Lang): void {
  current = lang;
}

export function consoleLang(): Lang {
  return current;
}

export function isConsoleKey(value: string): value is ConsoleKey {
  return Object.prototype.hasOwnProperty.call(fr, value);
}

export function tc(key: ConsoleKey, vars?: Record<string, string | number>): string {
  const template = CATALOGS[current][key];
  if (!vars) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    Object.prototype.hasOwnProperty.call(vars, name) ? String(vars[name]) : whole,
  );
}

/** A label for a value the server may grow (a new appointment state): its own key if there is one, else the value. */
export function labelOf(prefix: 'state' | 'delivery' | 'kind' | 'channel' | 'audit', value: string): string {
  const key = `${prefix}.${value}`;
  return isConsoleKey(key) ? tc(key) : value;
}
