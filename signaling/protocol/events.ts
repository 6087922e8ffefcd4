import type { ErrorCode } from './errors.js';
import type { PeerId } from './ids.js';
import type { PeerInfo, ProducerInfo } from './messages.js';

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
  /** Sent right before the server closes the socket for a protocol or auth error. */
  kicked: { code: ErrorCode; message: string };
}

export type ServerEventName = keyof ServerEvents;
