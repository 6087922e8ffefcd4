import { t } from '../i18n/i18n.js';
import { create } from './dom.js';

/**
 * A button on a remote tile that toggles it to fill the stage and back
 * (the agent reading an ID card, or a shared screen). One tile at a time;
 * the tile's ResizeObserver then asks the SFU for the sharper layer.
 */
export function addEnlargeButton(tile: HTMLElement, name: string): void {
  if (tile.querySelector(':scope > .enlarge')) return;
  const button = create('button', {
    className: 'button enlarge',
    attrs: { type: 'button', 'aria-pressed': 'false', 'aria-label': t('tile.enlarge', { name }) },
  });
  button.textContent = '⤢';
  const set = (element: Element, on: boolean): void => {
    element.classList.toggle('enlarged', on);
    element.querySelector(':scope > .enlarge')?.setAttribute('aria-pressed', String(on));
  };
  button.addEventListener('click', () => {
    const on = !tile.classList.contains('enlarged');
    for (const other of tile.parentElement?.querySelectorAll(':scope > .enlarged') ?? []) set(other, false);
    set(tile, on);
  });
  // Escape gives the small view back, as it leaves a full-screen video.
  button.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') set(tile, false);
  });
  tile.append(button);
}
