import type { PeerId, PeerInfo } from '../../../signaling/protocol/index.js';
import { t, type MessageKey, type MessageVars } from '../i18n/i18n.js';
import { beep } from '../room/beep.js';
import type { RoomLink } from '../room/room-link.js';
import { byId, create, setText } from './dom.js';
import { phoneCallerLabel, phoneIcon } from './phone-icon.js';

type Say = (key: MessageKey, vars?: MessageVars) => void;

interface Knock {
  item: HTMLLIElement;
  image: HTMLImageElement;
}

function cameraOffStill(): HTMLElement {
  const still = create('div', { className: 'still no-preview' });
  const sign = create('span', { className: 'camera-off-sign', attrs: { 'aria-hidden': 'true' } });
  const words = create('span');
  setText(words, 'knock.noPreview');
  still.append(sign, words);
  return still;
}

/** A caller has no camera: a handset and « Appel téléphonique » in place of the still. */
function phoneStill(): HTMLElement {
  const still = create('div', { className: 'still no-preview phone-still' });
  const words = create('span');
  setText(words, 'knock.phoneCall');
  still.append(phoneIcon('phone-sign'), words);
  return still;
}

/**
 * The host's waiting room: one entry per knocking guest with their name, the
 * camera still their page sends about every second, and « Faire entrer » /
 * « Refuser » (with an optional reason the guest will read). A knock rings,
 * shows the panel and puts the count in the page title, so an agent working
 * in another tab sees it too.
 */
export class KnockPanel {
  private readonly panel = byId('knock-panel', HTMLElement);
  private readonly list = byId('knock-list', HTMLUListElement);
  private readonly title = document.querySelector('title');
  private readonly knocks = new Map<PeerId, Knock>();
  private link: RoomLink | undefined;

  constructor(
    private readonly say: Say,
    private readonly onChange: () => void,
  ) {}

  get visible(): boolean {
    return this.knocks.size > 0;
  }

  /** Follows this connection's knocks (hosts only; others never receive them). */
  attach(link: RoomLink): (() => void)[] {
    this.link = link;
    return [
      link.on('knock', ({ peer }) => this.add(peer, true)),
      link.on('knockWithdrawn', ({ peerId }) => this.remove(peerId)),
      link.on('lobbyPreview', ({ peerId, image }) => {
        const knock = this.knocks.get(peerId);
        // The schema (wire.ts) only lets JPEG data URLs through; CSP allows data: images.
        // A phone caller has no camera: its handset stays, whatever arrives.
        if (!knock || knock.item.dataset['kind'] === 'phone') return;
        knock.image.src = image;
        knock.image.hidden = false;
        knock.item.querySelector('.no-preview')?.remove();
      }),
    ];
  }

  /** Knocks already waiting when the host joined: listed quietly. */
  addExisting(peers: PeerInfo[]): void {
    for (const peer of peers) if (peer.state === 'lobby') this.add(peer, false);
  }

  clear(): void {
    for (const peerId of [...this.knocks.keys()]) this.remove(peerId);
    this.link = undefined;
  }

  private add(peer: PeerInfo, ring: boolean): void {
    if (this.knocks.has(peer.peerId)) return;
    const phone = peer.kind === 'phone';
    const item = create('li', { className: phone ? 'knock phone' : 'knock' });
    item.dataset['kind'] = peer.kind;
    const image = create('img', { attrs: { width: '160', height: '120' } });
    // An attribute, so set once: a language switch mid-knock keeps the old alt text.
    image.alt = t('knock.previewAlt', { name: peer.displayName });
    // No still yet (or never: no camera): a drawn camera-off sign, not a broken image.
    image.hidden = true;
    const still = phone ? phoneStill() : cameraOffStill();
    const who = create('p', { className: 'who' });
    if (phone) {
      // « Téléphone •• •• 42 » on screen; « Appel téléphonique, numéro finissant par 42 » read aloud.
      const shown = create('span', { attrs: { 'aria-hidden': 'true' } });
      shown.textContent = peer.displayName;
      const label = create('span', { className: 'visually-hidden' });
      label.textContent = phoneCallerLabel(peer.displayName);
      who.append(shown, label);
    } else {
      who.textContent = peer.displayName;
    }
    const reasonId = `knock-reason-${peer.peerId}`;
    const reasonBox = create('div', { className: 'reason' });
    const label = create('label', { attrs: { for: reasonId } });
    setText(label, 'knock.reason');
    const reason = create('input', { attrs: { id: reasonId, type: 'text', maxlength: '200' } });
    reasonBox.append(label, reason);
    const actions = create('div', { className: 'actions' });
    const admit = create('button', { className: 'button primary', attrs: { type: 'button' } });
    setText(admit, 'knock.admit');
    const refuse = create('button', { className: 'button danger', attrs: { type: 'button' } });
    setText(refuse, 'knock.refuse');
    actions.append(admit, refuse);
    item.append(...(phone ? [] : [image]), still, who, reasonBox, actions);
    admit.addEventListener('click', () => this.act([admit, refuse], (link) => link.admit(peer.peerId)));
    refuse.addEventListener('click', () =>
      this.act([admit, refuse], (link) => link.refuse(peer.peerId, reason.value)),
    );
    this.knocks.set(peer.peerId, { item, image });
    this.list.append(item);
    this.update();
    if (ring) {
      beep();
      this.say('knock.waiting', { name: phone ? phoneCallerLabel(peer.displayName) : peer.displayName });
    }
  }

  private remove(peerId: PeerId): void {
    const knock = this.knocks.get(peerId);
    if (!knock) return;
    knock.item.remove();
    this.knocks.delete(peerId);
    this.update();
  }

  /** Buttons stay disabled while the request runs; `knockWithdrawn` then removes the entry. */
  private act(buttons: HTMLButtonElement[], request: (link: RoomLink) => Promise<void>): void {
    const link = this.link;
    if (!link) return;
    for (const button of buttons) button.disabled = true;
    request(link).catch((error: unknown) => {
      console.warn('guichet: lobby action failed', error);
      for (const button of buttons) button.disabled = false;
      this.say('host.actionFailed');
    });
  }

  private update(): void {
    this.panel.hidden = this.knocks.size === 0;
    if (this.title) {
      if (this.knocks.size === 0) setText(this.title, 'app.title');
      else setText(this.title, 'knock.pageTitle', { count: this.knocks.size, title: t('app.name') });
    }
    this.onChange();
  }
}
