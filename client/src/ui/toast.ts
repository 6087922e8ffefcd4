import type { MessageKey, MessageVars } from '../i18n/i18n.js';
import { clearText, setText } from './dom.js';

/** Long enough to read two lines at a calm pace, short enough not to sit over the picture. */
export const TOAST_MS = 7_000;

const timers = new WeakMap<HTMLElement, ReturnType<typeof setTimeout>>();

/**
 * Shows a message in a visible toast that is also a live region (role
 * status): sighted users read it over the picture, screen readers hear it.
 * It clears itself after a while; the next message replaces it.
 */
export function showToast(element: HTMLElement, key: MessageKey, vars?: MessageVars, ms = TOAST_MS): void {
  clearTimeout(timers.get(element));
  setText(element, key, vars);
  timers.set(
    element,
    setTimeout(() => clearText(element), ms),
  );
}

export function clearToast(element: HTMLElement): void {
  clearTimeout(timers.get(element));
  clearText(element);
}
