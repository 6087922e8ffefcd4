import { IDENTITY_METHODS, type IdentityMethod } from '../../../signaling/protocol/index.js';
import type { RemotePeer } from '../call-types.js';
import { t, type MessageKey, type MessageVars } from '../i18n/i18n.js';
import type { RoomLink } from '../room/room-link.js';
import { byId, create, setText } from './dom.js';
import { phoneCallerLabel, phoneIcon } from './phone-icon.js';

type Say = (key: MessageKey, vars?: MessageVars) => void;

interface Person {
  peer: RemotePeer;
  item: HTMLLIElement;
  verified: HTMLElement;
}

/**
 * The agent's controls: per guest « Couper le micro », « Demander un
 * justificatif », « Identité vérifiée… » (a dialog for the method, recorded
 * in the audit trail) and « Retirer »; for the room, the lock toggle and
 * « Terminer pour tous » behind a confirmation. Hidden from guests; the
 * server refuses these requests from them anyway.
 */
export class HostPanel {
  private readonly panel = byId('people-panel', HTMLElement);
  private readonly list = byId('people-list', HTMLUListElement);
  private readonly lock = byId('lock-toggle', HTMLButtonElement);
  private readonly endAll = byId('end-all', HTMLButtonElement);
  private readonly invite = byId('invite', HTMLButtonElement);
  private readonly inviteDialog = byId('invite-dialog', HTMLDialogElement);
  private readonly identity = byId('identity-dialog', HTMLDialogElement);
  private readonly endDialog = byId('end-dialog', HTMLDialogElement);
  private readonly people = new Map<string, Person>();
  private link: RoomLink | undefined;
  private host = false;
  private selfId: string | undefined;
  private verifying: Person | undefined;

  constructor(
    private readonly say: Say,
    private readonly onChange: () => void,
  ) {
    this.lock.addEventListener('click', () => {
      const locked = this.lock.getAttribute('aria-pressed') !== 'true';
      this.run((link) => link.lockRoom(locked));
    });
    this.endAll.addEventListener('click', () => this.endDialog.showModal());
    this.invite.addEventListener('click', () => this.run((link) => this.showInvite(link)));
    byId('invite-copy', HTMLButtonElement).addEventListener('click', () => {
      const field = byId('invite-link', HTMLInputElement);
      // The clipboard API needs a secure context; selecting the text lets people copy by hand otherwise.
      field.select();
      void navigator.clipboard
        ?.writeText(field.value)
        .then(() => setText(byId('invite-copied', HTMLElement), 'invite.copied'));
    });
    this.endDialog.addEventListener('close', () => {
      if (this.endDialog.returnValue === 'confirm') this.run((link) => link.endMeeting());
    });
    this.identity.addEventListener('close', () => {
      const person = this.verifying;
      this.verifying = undefined;
      const method = checkedMethod(this.identity);
      if (this.identity.returnValue !== 'confirm' || !person || !method) return;
      this.run((link) => link.verifyIdentity(person.peer.peerId, method));
    });
  }

  get visible(): boolean {
    return this.host && this.people.size > 0;
  }

  attach(link: RoomLink): (() => void)[] {
    this.link = link;
    return [
      link.on('roomLocked', ({ locked }) => {
        this.lock.setAttribute('aria-pressed', String(locked));
        if (this.host) this.say(locked ? 'host.locked' : 'host.unlocked');
      }),
      link.on('identityVerified', ({ peerId }) => {
        // The citizen is told too (when the server sends it to her: see docs/ARCHITECTURE.md).
        if (!this.host && peerId === this.selfId) return this.say('identity.verifiedYou');
        const person = this.people.get(peerId);
        if (!person) return;
        person.verified.hidden = false;
        this.say('identity.done', { name: person.peer.displayName });
      }),
    ];
  }

  /** Called once the join answer says who we are. */
  setRole(host: boolean, locked: boolean, selfId?: string): void {
    this.host = host;
    this.selfId = selfId;
    this.lock.hidden = !host;
    this.endAll.hidden = !host;
    this.invite.hidden = !host;
    this.lock.setAttribute('aria-pressed', String(locked));
    for (const person of this.people.values()) person.item.hidden = !host;
    this.update();
  }

  peerShown(peer: RemotePeer): void {
    // Hosts can't act on other hosts (the server says FORBIDDEN): list guests only.
    if (peer.role !== 'guest' || this.people.has(peer.peerId)) return;
    const item = create('li', { className: 'person' });
    item.hidden = !this.host;
    const phone = peer.kind === 'phone';
    const who = create('p', { className: 'who' });
    if (phone) {
      const shown = create('span', { attrs: { 'aria-hidden': 'true' } });
      shown.textContent = peer.displayName;
      const label = create('span', { className: 'visually-hidden' });
      label.textContent = phoneCallerLabel(peer.displayName);
      who.append(phoneIcon('phone-sign inline'), ' ', shown, label);
    } else {
      who.textContent = peer.displayName;
    }
    const verified = create('span', { className: 'verified' });
    setText(verified, 'host.verifiedBadge');
    verified.hidden = true;
    who.append(verified);
    const actions = create('div', { className: 'actions', attrs: { role: 'group' } });
    const spokenName = phone ? phoneCallerLabel(peer.displayName) : peer.displayName;
    actions.setAttribute('aria-label', t('host.controlsFor', { name: spokenName }));
    const person: Person = { peer, item, verified };
    const id = peer.peerId;
    actions.append(
      this.button('host.mute', () =>
        this.run(async (link) => {
          await link.mutePeer(id);
          this.say('call.mutedPeer', { name: peer.displayName });
        }),
      ),
      // A caller can't show a document on camera.
      ...(phone
        ? []
        : [
            this.button('host.requestDocument', () =>
              this.run(async (link) => {
                await link.requestDocument(id);
                this.say('host.documentRequested', { name: peer.displayName });
              }),
            ),
          ]),
      this.button('host.verify', () => this.openIdentity(person)),
      this.button('host.remove', () => this.run((link) => link.removePeer(id)), 'danger'),
    );
    item.append(who, actions);
    this.people.set(id, person);
    this.list.append(item);
    this.update();
  }

  peerGone(peerId: string): void {
    this.people.get(peerId)?.item.remove();
    this.people.delete(peerId);
    this.update();
  }

  clear(): void {
    for (const id of [...this.people.keys()]) this.peerGone(id);
    if (this.identity.open) this.identity.close();
    if (this.endDialog.open) this.endDialog.close();
    if (this.inviteDialog.open) this.inviteDialog.close();
    this.link = undefined;
    this.setRole(false, false);
  }

  /** A link for an interpreter or a colleague: they knock, and the host admits them like the citizen. */
  private async showInvite(link: RoomLink): Promise<void> {
    const { link: url, needsPassword } = await link.invite();
    byId('invite-link', HTMLInputElement).value = url;
    byId('invite-password-hint', HTMLElement).hidden = !needsPassword;
    byId('invite-copied', HTMLElement).textContent = '';
    this.inviteDialog.showModal();
  }

  private openIdentity(person: Person): void {
    this.verifying = person;
    setText(byId('identity-who', HTMLElement), 'identity.who', { name: person.peer.displayName });
    this.identity.returnValue = '';
    this.identity.showModal();
  }

  private button(key: MessageKey, onClick: () => void, kind = ''): HTMLButtonElement {
    const button = create('button', { className: `button ${kind}`.trim(), attrs: { type: 'button' } });
    setText(button, key);
    button.addEventListener('click', onClick);
    return button;
  }

  private run(request: (link: RoomLink) => Promise<void>): void {
    const link = this.link;
    if (!link) return;
    request(link).catch((error: unknown) => {
      console.warn('guichet: host action failed', error);
      this.say('host.actionFailed');
    });
  }

  private update(): void {
    this.panel.hidden = !this.visible;
    this.onChange();
  }
}

function checkedMethod(dialog: HTMLDialogElement): IdentityMethod | undefined {
  const value = dialog.querySelector<HTMLInputElement>('input[name="method"]:checked')?.value;
  return IDENTITY_METHODS.find((method) => method === value);
}
