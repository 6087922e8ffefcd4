import type {
  DocumentStateReport,
  IdentityMethod,
  PeerId,
  ServerEvents,
} from '../../../signaling/protocol/index.js';
import type { ProtocolClient } from '../protocol-client.js';

/** The server events the lobby, host and chat screens listen to. */
export type RoomEventName =
  | 'knock'
  | 'knockWithdrawn'
  | 'lobbyPreview'
  | 'roomLocked'
  | 'documentRequested'
  | 'documentState'
  | 'identityVerified'
  | 'chatMessage';

/**
 * Lobby, host controls and chat over one connection: typed requests and
 * events, no DOM. The server checks every request against the sender's role
 * and state; hiding a button here is comfort, not security. It is built as
 * soon as the socket connects (see App), so no knock sent right after the
 * join answer can arrive before someone listens.
 */
export class RoomLink {
  constructor(private readonly client: ProtocolClient) {}

  on<E extends RoomEventName>(event: E, handler: (payload: ServerEvents[E]) => void): () => void {
    return this.client.on(event, handler);
  }

  get isClosed(): boolean {
    return this.client.isClosed;
  }

  async admit(peerId: PeerId): Promise<void> {
    await this.client.request('admit', { peerId });
  }

  async refuse(peerId: PeerId, reason: string): Promise<void> {
    const trimmed = reason.trim();
    await this.client.request('refuse', trimmed ? { peerId, reason: trimmed } : { peerId });
  }

  async removePeer(peerId: PeerId): Promise<void> {
    await this.client.request('removePeer', { peerId });
  }

  async mutePeer(peerId: PeerId): Promise<void> {
    await this.client.request('mutePeer', { peerId });
  }

  async lockRoom(locked: boolean): Promise<void> {
    await this.client.request('lockRoom', { locked });
  }

  invite(): Promise<{ link: string; needsPassword: boolean }> {
    return this.client.request('invite', {});
  }

  async endMeeting(): Promise<void> {
    await this.client.request('endMeeting', {});
  }

  async requestDocument(peerId: PeerId): Promise<void> {
    await this.client.request('requestDocument', { peerId });
  }

  /** Guest: what document mode does, for the agent (relayed to hosts only). */
  async documentState(report: DocumentStateReport): Promise<void> {
    await this.client.request('documentState', report);
  }

  async verifyIdentity(peerId: PeerId, method: IdentityMethod): Promise<void> {
    await this.client.request('verifyIdentity', { peerId, method });
  }

  async sendPreview(image: string): Promise<void> {
    await this.client.request('lobbyPreview', { image });
  }

  /** Resolves with the server's timestamp once the message went out. */
  async chat(text: string): Promise<string> {
    return (await this.client.request('chat', { text })).at;
  }
}
