import { byId } from './dom.js';

/**
 * « Plus » on phones: the call's secondary actions (audio only, screen,
 * document, lock, invite, end for all) in a menu above the one row of
 * controls. On wider screens the group is laid out inline and the toggle is
 * hidden (styles.css). The menu closes after an action, on Escape and on a
 * tap elsewhere.
 */
export function setupControlsMenu(): void {
  const toggle = byId('more-toggle', HTMLButtonElement);
  const menu = byId('controls-more', HTMLElement);
  const setOpen = (open: boolean): void => {
    toggle.setAttribute('aria-expanded', String(open));
    menu.classList.toggle('open', open);
  };
  toggle.addEventListener('click', () => setOpen(toggle.getAttribute('aria-expanded') !== 'true'));
  menu.addEventListener('click', (event) => {
    if (event.target instanceof Element && event.target.closest('button')) setOpen(false);
  });
  document.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && toggle.getAttribute('aria-expanded') === 'true') {
      setOpen(false);
      toggle.focus();
    }
  });
  document.addEventListener('click', (event) => {
    if (event.target instanceof Node && !menu.contains(event.target) && !toggle.contains(event.target)) {
      setOpen(false);
    }
  });
}
