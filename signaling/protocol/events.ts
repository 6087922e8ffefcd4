import type { ErrorCode } from './errors.js';
import type { PeerId } from './ids.js';
import type { JoinResult, PeerInfo, ProducerInfo } from './messages.js';
import type { IdentityMethod } from './room-control.js';

/** Why a room ended for everyone in it. */
export type RoomClosedReason = 'media-failure' | 'ended' | 'server-shutdown';

/**
 * Server → client notifications. They are facts, not requests: the client
 * never acks them. Names are pinned by test/unit/protocol-contract.test.ts.
 */
export interface ServerEvents {
  peerJoined: { peer: PeerInfo };
  peerLeft: { peerId: PeerId };
  newProducer: { peerId: PeerId; producer: ProducerInfo };
  producerPaused: { peerId: PeerId; producerId: string };
  producerResumed: { peerId: PeerId; producerId: string };
  producerClosed: { peerId: PeerId; producerId: string };
  /** The consumer was closed server-side (its producer left, or the transport failed). */
  consumerClosed: { consumerId: string };
  activeSpeaker: { peerId: PeerId | null };
  /** The room's media is gone; the client should rejoin (or show the end screen for 'ended'). */
  roomClosed: { reason: RoomClosedReason };
  /** The server is going down; reconnect (to another node) after the given delay. */
  reconnect: { afterMs: number };
  /** Sent right before the server closes the socket: refused, removed, or a protocol error. */
  kicked: { code: ErrorCode; message: string };
  /** To hosts: a guest is waiting in the lobby. */
  knock: { peer: PeerInfo };
  /** To hosts: a knocking guest left the lobby (gave up, or was admitted or refused by another host). */
  knockWithdrawn: { peerId: PeerId };
  /** To hosts: a still of a knocking guest's camera (JPEG data URL). */
  lobbyPreview: { peerId: PeerId; image: string };
  /** To the guest: you are in; here is the room as you now see it. */
  admitted: Pick<JoinResult, 'peers'>;
  /** To everyone: the host muted this peer's microphone. */
  peerMuted: { peerId: PeerId; producerId: string };
  roomLocked: { locked: boolean };
  /** To the guest: the host asks to see an ID document (offer the rear camera / document mode). */
  documentRequested: Record<string, never>;
  /** To hosts: identity marked as verified. */
  identityVerified: { peerId: PeerId; method: IdentityMethod; by: PeerId };
  chatMessage: { peerId: PeerId; displayName: string; text: string; at: string };
}

export type ServerEventName = keyof ServerEvents;
