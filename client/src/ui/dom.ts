import { isMessageKey, t, type MessageKey, type MessageVars } from '../i18n/i18n.js';

/** The element with this id, checked to be of the expected kind (no cast). */
export function byId<T extends HTMLElement>(id: string, type: { new (): T; prototype: T }): T {
  const element = document.getElementById(id);
  if (!(element instanceof type)) throw new Error(`#${id} is missing or is not a ${type.name}`);
  return element;
}

export function create<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: { className?: string; attrs?: Record<string, string> } = {},
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  if (props.className) element.className = props.className;
  for (const [name, value] of Object.entries(props.attrs ?? {})) element.setAttribute(name, value);
  return element;
}

// Placeholder values of translated elements, so a language switch can re-render them.
const varsOf = new WeakMap<Element, MessageVars>();

/** Sets a translated text and remembers its key (see translateTree). */
export function setText(element: HTMLElement, key: MessageKey, vars?: MessageVars): void {
  element.dataset['i18n'] = key;
  if (vars) varsOf.set(element, vars);
  else varsOf.delete(element);
  element.textContent = t(key, vars);
}

export function clearText(element: HTMLElement): void {
  delete element.dataset['i18n'];
  varsOf.delete(element);
  element.textContent = '';
}

/**
 * Renders every `data-i18n` text and `data-i18n-aria-label` label under
 * root in the current language. Run at start and after each language switch;
 * the HTML itself holds keys, never words.
 */
export function translateTree(root: ParentNode): void {
  for (const element of root.querySelectorAll<HTMLElement>('[data-i18n]')) {
    const key = element.dataset['i18n'];
    if (key !== undefined && isMessageKey(key)) {
      element.textContent = t(key, varsOf.get(element));
    }
  }
  for (const element of root.querySelectorAll<HTMLElement>('[data-i18n-aria-label]')) {
    const key = element.dataset['i18nAriaLabel'];
    if (key !== undefined && isMessageKey(key)) element.setAttribute('aria-label', t(key));
  }
}

/** localStorage can throw (private modes, blocked cookies); a preference is never worth a crash. */
export function readSetting(key: string): string | null {
  try {
    return window.localStorage.getItem(key);
  } catch {
    return null;
  }
}

export function writeSetting(key: string, value: string): void {
  try {
    window.localStorage.setItem(key, value);
  } catch {
    // The choice simply won't survive a reload.
  }
}

/** Starts playback; autoplay refusals are reported, other failures ignored. */
export function play(element: HTMLMediaElement, onBlocked: () => void): void {
  element.play().catch((error: unknown) => {
    if (error instanceof Error && error.name === 'NotAllowedError') onBlocked();
  });
}
