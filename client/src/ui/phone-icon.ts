import { t } from '../i18n/i18n.js';

const SVG = 'http://www.w3.org/2000/svg';
/** A telephone handset, drawn here (no image file to fail, nothing for the CSP to refuse). */
const HANDSET =
  'M6 3h3.2l1.9 4.8-2.4 1.6a11.5 11.5 0 0 0 5.9 5.9l1.6-2.4 4.8 1.9V18a3 3 0 0 1-3 3A17 17 0 0 1 3 6a3 3 0 0 1 3-3z';

/** The handset sign, hidden from screen readers (the words beside it say it). */
export function phoneIcon(className: string): SVGSVGElement {
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('class', className);
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  const path = document.createElementNS(SVG, 'path');
  path.setAttribute('d', HANDSET);
  path.setAttribute('fill', 'currentColor');
  svg.append(path);
  return svg;
}

/**
 * What a screen reader says for a phone caller. The gateway names them
 * « Téléphone •• •• 42 »: read aloud, the dots are noise, so the label says
 * « numéro finissant par 42 » (or « numéro masqué »).
 */
export function phoneCallerLabel(displayName: string): string {
  const digits = /([0-9]{2})\s*$/.exec(displayName)?.[1];
  return digits ? t('knock.phoneLabel', { digits }) : t('knock.phoneHidden');
}
