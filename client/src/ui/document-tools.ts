import { currentLang, t } from '../i18n/i18n.js';
import { byId, create, setText } from './dom.js';

const ZOOMS = [1, 1.5, 2, 3, 4] as const;

/**
 * The agent's tools on a citizen's tile, for reading a document she shows:
 * zoom in and out on the received picture, and a still at the full
 * resolution received, shown in a dialog with a « save » link. The still is
 * a data: URL made in this page: it is never sent anywhere.
 */
export function addDocumentTools(tile: HTMLElement, name: string, onProblem: () => void): void {
  const video = tile.querySelector('video');
  if (!video || tile.querySelector(':scope > .document-tools')) return;
  const tools = create('div', { className: 'document-tools' });
  let zoom = 0;
  const setZoom = (next: number): void => {
    zoom = Math.max(0, Math.min(ZOOMS.length - 1, next));
    video.style.transform = zoom === 0 ? '' : `scale(${ZOOMS[zoom]})`;
    tile.dataset['zoom'] = String(ZOOMS[zoom]);
    zoomOut.disabled = zoom === 0;
    zoomIn.disabled = zoom === ZOOMS.length - 1;
  };
  const zoomIn = button('+', t('document.zoomIn', { name }), () => setZoom(zoom + 1));
  const zoomOut = button('−', t('document.zoomOut', { name }), () => setZoom(zoom - 1));
  const still = button(t('document.still'), t('document.stillLabel', { name }), () => {
    if (!showStill(video)) onProblem();
  });
  tools.append(zoomOut, zoomIn, still);
  tile.append(tools);
  setZoom(0);
}

function button(text: string, label: string, onClick: () => void): HTMLButtonElement {
  const element = create('button', {
    className: 'button tool',
    attrs: { type: 'button', 'aria-label': label },
  });
  element.textContent = text;
  element.addEventListener('click', onClick);
  return element;
}

/** Draws the current frame at the size it was received; false when there is no frame yet. */
function showStill(video: HTMLVideoElement): boolean {
  const { videoWidth: width, videoHeight: height } = video;
  if (width === 0 || height === 0) return false;
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const context = canvas.getContext('2d');
  if (!context) return false;
  context.drawImage(video, 0, 0, width, height);
  const url = canvas.toDataURL('image/png');
  const dialog = byId('still-dialog', HTMLDialogElement);
  const image = byId('still-image', HTMLImageElement);
  image.src = url;
  image.alt = t('document.stillTitle');
  image.width = width;
  image.height = height;
  byId('still-save', HTMLAnchorElement).href = url;
  const time = new Date().toLocaleTimeString(currentLang(), { hour: '2-digit', minute: '2-digit' });
  setText(byId('still-size', HTMLElement), 'document.stillSize', { width, height, time });
  // Forget the picture once the dialog is closed (it was only ever in this page).
  dialog.addEventListener(
    'close',
    () => {
      image.removeAttribute('src');
      byId('still-save', HTMLAnchorElement).href = '#';
    },
    { once: true },
  );
  dialog.showModal();
  return true;
}
