import { LANG_STORAGE_KEY, currentLang, setLang, t, type Lang } from '../i18n/i18n.js';
import { byId, translateTree, writeSetting } from './dom.js';

/** Renders the whole page in `lang`: texts, labels, title and the html lang attribute. */
export function applyLang(lang: Lang): void {
  setLang(lang);
  document.documentElement.lang = lang;
  translateTree(document);
  const button = byId('lang-switch', HTMLButtonElement);
  const other: Lang = lang === 'fr' ? 'en' : 'fr';
  // The button names the other language in that language, so a reader of it can find it.
  button.lang = other;
  button.textContent = t('lang.switch');
  button.setAttribute('aria-label', t('lang.switchLabel'));
}

/** The switch is an explicit choice: it is remembered, and wins over the browser's language. */
export function setupLangSwitch(): void {
  byId('lang-switch', HTMLButtonElement).addEventListener('click', () => {
    const next: Lang = currentLang() === 'fr' ? 'en' : 'fr';
    writeSetting(LANG_STORAGE_KEY, next);
    // Keep a `?lang=` in the address in step, or a reload would undo the choice.
    const url = new URL(window.location.href);
    if (url.searchParams.has('lang')) {
      url.searchParams.set('lang', next);
      window.history.replaceState(window.history.state, '', url);
    }
    applyLang(next);
  });
}
