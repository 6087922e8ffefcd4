import { defaultDialIn, dialInTelUri, type DialInInfo } from '../../../signaling/protocol/index.js';
import { currentLang } from '../i18n/i18n.js';
import { create, setText } from './dom.js';

/** A number as a one-tap link: the phone dials it, waits, then types the PIN and #. */
function numberLink(number: string, pin: string): HTMLAnchorElement | undefined {
  const tel = dialInTelUri(number, pin);
  if (!tel) return undefined;
  const link = create('a', { className: 'dial-in-number', attrs: { href: tel } });
  link.textContent = number;
  return link;
}

/**
 * « Pas d’internet ou pas de caméra ? Appelez le +33 1 86 95 00 00 et tapez
 * le code 482913, suivi de # », on the join page and in the lobby (every
 * element marked data-dial-in), with the other countries' numbers below.
 */
export function showDialIn(info: DialInInfo): void {
  const main = defaultDialIn(info.numbers);
  if (!main) return;
  const regions = new Intl.DisplayNames([currentLang()], { type: 'region' });
  for (const box of document.querySelectorAll<HTMLElement>('[data-dial-in]')) {
    const link = numberLink(main.number, info.pin);
    if (!link) return;
    const sentence = create('p');
    const lead = create('span');
    setText(lead, 'dialIn.lead');
    const code = create('span');
    setText(code, 'dialIn.code', { pin: info.pin });
    const parts: (Node | string)[] = [lead, ' ', link, ' '];
    if (main.tollFree) {
      const free = create('span');
      setText(free, 'dialIn.tollFree');
      parts.push(free, ' ');
    }
    sentence.append(...parts, code);
    const tap = create('p', { className: 'hint' });
    setText(tap, 'dialIn.tap');
    const children: HTMLElement[] = [sentence, tap];
    const others = info.numbers.filter((n) => n !== main);
    if (others.length > 0) {
      const title = create('p');
      setText(title, 'dialIn.others');
      const list = create('ul', { className: 'dial-in-others' });
      for (const other of others) {
        const otherLink = numberLink(other.number, info.pin);
        if (!otherLink) continue;
        const item = create('li');
        const country = create('span');
        setText(country, 'dialIn.country', { country: regions.of(other.country) ?? other.country });
        item.append(country, ' ', otherLink);
        if (other.tollFree) {
          const free = create('span');
          setText(free, 'dialIn.tollFree');
          item.append(' ', free);
        }
        list.append(item);
      }
      children.push(title, list);
    }
    box.replaceChildren(...children);
    box.hidden = false;
  }
}
