import type {
  DocumentStateReport,
  ErrorCode,
  IdentityMethod,
  PeerId,
  PeerInfo,
  ProducerInfo,
  RoomClosedReason,
} from '../protocol/index.js';

export interface ChatMessage {
  peerId: PeerId;
  displayName: string;
  text: string;
  at: string;
}

/**
 * How the room talks to one member, whatever carries it: the socket gateway
 * turns each call into a socket.io event, the phone gateway into a prompt or
 * a change of its mix. Methods say what happened in the room, not what to
 * send; each carrier decides what that means for its person.
 */
export interface PeerChannel {
  peerJoined(peer: PeerInfo): void;
  peerLeft(peerId: PeerId): void;
  newProducer(peerId: PeerId, producer: ProducerInfo): void;
  producerPaused(peerId: PeerId, producerId: string, paused: boolean): void;
  producerClosed(peerId: PeerId, producerId: string): void;
  /** One of this member's consumers was closed by the media plane. */
  consumerClosed(consumerId: string): void;
  activeSpeaker(peerId: PeerId | null): void;
  /** The room is over for everyone. `startsAt`: the new time of a rescheduled appointment. */
  roomClosed(reason: RoomClosedReason, startsAt?: string): void;
  /** The room's media moved to another worker: rebuild transports, producers and consumers. */
  mediaRestarted(peers: PeerInfo[]): void;
  /** To hosts. */
  knock(peer: PeerInfo): void;
  knockWithdrawn(peerId: PeerId): void;
  lobbyPreview(peerId: PeerId, image: string): void;
  /** To the guest who was just let in, with the room as they now see it. */
  admitted(peers: PeerInfo[]): void;
  peerMuted(peerId: PeerId, producerId: string): void;
  roomLocked(locked: boolean): void;
  documentRequested(): void;
  /** To hosts: a guest's document mode (rear camera active, or why not). */
  documentState(peerId: PeerId, report: DocumentStateReport): void;
  identityVerified(peerId: PeerId, method: IdentityMethod, by: PeerId): void;
  chatMessage(message: ChatMessage): void;
  /** Tell the member why, then drop its connection. */
  kick(code: ErrorCode, message: string): void;
}
