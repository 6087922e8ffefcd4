import type { JoinResult } from '../../../signaling/protocol/index.js';
import type { Call } from '../call.js';
import type { RemotePeer } from '../call-types.js';
import type { MessageKey, MessageVars } from '../i18n/i18n.js';
import type { LocalMedia } from '../local-media.js';
import { RoomLink } from '../room/room-link.js';
import type { ProtocolClient } from '../protocol-client.js';
import { ChatPanel } from './chat-panel.js';
import { byId } from './dom.js';
import { DocumentStateView } from './document-state-view.js';
import { addDocumentTools } from './document-tools.js';
import { addEnlargeButton } from './enlarge.js';
import { HostPanel } from './host-panel.js';
import { KnockPanel } from './knock-panel.js';
import { LobbyView } from './lobby-view.js';
import { ShareButtons } from './share-buttons.js';
import { showToast } from './toast.js';

/**
 * Everything of a call beyond pictures and sound: the guest's lobby, the
 * host's waiting room and controls, chat, document mode and screen sharing.
 * One per page; it follows one connection at a time, from the socket's
 * connection (before the join is sent, so no early knock is missed) to the
 * call's end. The App tells it what happens; it owns no Call.
 */
export class RoomSession {
  private readonly live = byId('call-status', HTMLElement);
  private readonly side = byId('side', HTMLElement);
  private readonly lobby = new LobbyView();
  private readonly knocks: KnockPanel;
  private readonly host: HostPanel;
  private readonly chat: ChatPanel;
  private readonly shares: ShareButtons;
  private readonly documentStates: DocumentStateView;
  private link: RoomLink | undefined;
  private isHost = false;
  private unsubscribe: (() => void)[] = [];

  constructor() {
    const say = (key: MessageKey, vars?: MessageVars): void => showToast(this.live, key, vars);
    const layout = (): void => {
      this.side.hidden = !(this.knocks.visible || this.host.visible || this.chat.visible);
    };
    this.knocks = new KnockPanel(say, layout);
    this.host = new HostPanel(say, layout);
    this.chat = new ChatPanel(say, layout);
    this.shares = new ShareButtons(say);
    this.documentStates = new DocumentStateView(say);
  }

  /** A new socket: listen to it before anything is sent on it. */
  connected(client: ProtocolClient): void {
    this.reset();
    const link = new RoomLink(client);
    this.link = link;
    this.unsubscribe = [
      ...this.knocks.attach(link),
      ...this.host.attach(link),
      ...this.chat.attach(link),
      ...this.shares.attach(link),
      ...this.documentStates.attach(link),
    ];
  }

  joined(joined: JoinResult): void {
    this.isHost = joined.role === 'host';
    // The agent's own picture moves out of the way of the citizen's (styles.css).
    byId('view-call', HTMLElement).classList.toggle('is-host', this.isHost);
    this.host.setRole(this.isHost, joined.locked, joined.peerId);
    if (this.isHost) this.knocks.addExisting(joined.peers);
  }

  /** The guest waits for the host: their preview, and stills sent to the host. */
  waitInLobby(media: Promise<LocalMedia>): void {
    if (this.link) this.lobby.start(this.link, media);
  }

  /** Admitted (or never in the lobby): the call screen is up. */
  inCall(): void {
    this.lobby.stop();
  }

  /** Local media is being sent: document mode and screen sharing become possible. */
  sending(call: Call, media: LocalMedia): void {
    this.shares.sending(call, media, this.isHost);
  }

  peerShown(peer: RemotePeer, tile: HTMLElement): void {
    this.host.peerShown(peer);
    addEnlargeButton(tile, peer.displayName);
    // A phone caller sends no picture: no sharpest layer, no zoom or photo of a document.
    if (this.isHost && peer.role === 'guest' && peer.kind !== 'phone') {
      tile.dataset['sharpest'] = 'true';
      addDocumentTools(tile, peer.displayName, () => showToast(this.live, 'document.stillFailed'));
      this.documentStates.peerShown(peer.peerId, peer.displayName, tile);
    }
  }

  peerGone(peerId: string): void {
    this.host.peerGone(peerId);
    this.documentStates.peerGone(peerId);
  }

  /** The call ended or failed: stop everything this connection started. */
  reset(): void {
    for (const off of this.unsubscribe.splice(0)) off();
    this.link = undefined;
    this.isHost = false;
    this.lobby.stop();
    this.knocks.clear();
    this.host.clear();
    this.chat.clear();
    this.shares.clear();
    this.documentStates.clear();
  }
}
