import * as z from 'zod';
import { ErrorCodeSchema } from './results.js';
import { MediaIdSchema, PeerIdSchema } from './ids.js';
import { PeerInfoSchema, PeersSchema, ProducerInfoSchema } from './peers.js';
import {
  DocumentStateRequestSchema,
  IDENTITY_METHODS,
  LobbyPreviewRequestSchema,
  MAX_CHAT_CHARS,
} from './room-control.js';

/** Why a room ended for everyone in it. */
export const ROOM_CLOSED_REASONS = [
  'media-failure',
  'ended',
  'server-shutdown',
  /** The appointment was cancelled (by its agent, from anywhere). */
  'cancelled',
  /** The appointment moved to a later time: come back then. */
  'rescheduled',
] as const;
export const RoomClosedReasonSchema = z.enum(ROOM_CLOSED_REASONS);
export type RoomClosedReason = z.infer<typeof RoomClosedReasonSchema>;

const PeerAndProducer = z.object({ peerId: PeerIdSchema, producerId: MediaIdSchema });

/**
 * Server → client notifications, as schemas: the server's types come from
 * them and clients parse each payload with them (one that fails is dropped,
 * never half-used). They are facts, not requests: the client never acks
 * them. Names are pinned by test/unit/protocol-contract.test.ts.
 */
export const EVENT_SCHEMAS = {
  peerJoined: z.object({ peer: PeerInfoSchema }),
  peerLeft: z.object({ peerId: PeerIdSchema }),
  newProducer: z.object({ peerId: PeerIdSchema, producer: ProducerInfoSchema }),
  producerPaused: PeerAndProducer,
  producerResumed: PeerAndProducer,
  producerClosed: PeerAndProducer,
  /** The consumer was closed server-side (its producer left, or the transport failed). */
  consumerClosed: z.object({ consumerId: MediaIdSchema }),
  activeSpeaker: z.object({ peerId: PeerIdSchema.nullable() }),
  /** The room is over for everyone (ended, cancelled, rescheduled, server going down). */
  roomClosed: z.object({
    reason: RoomClosedReasonSchema,
    /** 'rescheduled': the new start (ISO 8601). */
    startsAt: z.string().max(64).optional(),
  }),
  /**
   * The room's media moved (its worker died): signaling, roles and admissions
   * are kept; rebuild transports, producers and consumers with
   * `routerCapabilities` and `createTransport`. Peers' old producers are gone.
   */
  mediaRestarted: z.object({ peers: PeersSchema }),
  /** The server is going down; reconnect (to another node) after the given delay. */
  reconnect: z.object({ afterMs: z.number().int().nonnegative().max(600_000) }),
  /** Sent right before the server closes the socket: refused, removed, or a protocol error. */
  kicked: z.object({ code: ErrorCodeSchema, message: z.string().max(1024) }),
  /** To hosts: a guest is waiting in the lobby. */
  knock: z.object({ peer: PeerInfoSchema }),
  /** To hosts: a knocking guest left the lobby (gave up, or was admitted or refused by another host). */
  knockWithdrawn: z.object({ peerId: PeerIdSchema }),
  /** To hosts: a still of a knocking guest's camera (JPEG data URL, the rule guests' stills follow). */
  lobbyPreview: z.object({ peerId: PeerIdSchema, image: LobbyPreviewRequestSchema.shape.image }),
  /** To the guest: you are in; here is the room as you now see it. */
  admitted: z.object({ peers: PeersSchema }),
  /** To everyone: the host muted this peer's microphone. */
  peerMuted: PeerAndProducer,
  roomLocked: z.object({ locked: z.boolean() }),
  /** To the guest: the host asks to see an ID document (offer the rear camera / document mode). */
  documentRequested: z.unknown().transform((): Record<string, never> => ({})),
  /** To hosts: what a guest's document mode is doing (rear camera and its size, or why not). */
  documentState: z.object({ peerId: PeerIdSchema, report: DocumentStateRequestSchema }),
  /** To hosts: identity marked as verified. */
  identityVerified: z.object({ peerId: PeerIdSchema, method: z.enum(IDENTITY_METHODS), by: PeerIdSchema }),
  chatMessage: z.object({
    peerId: PeerIdSchema,
    displayName: z.string().max(256),
    text: z.string().max(MAX_CHAT_CHARS),
    at: z.string().max(64),
  }),
} as const;

export type ServerEventName = keyof typeof EVENT_SCHEMAS;
export type ServerEvents = { [E in ServerEventName]: z.output<(typeof EVENT_SCHEMAS)[E]> };

/** The same table, typed so that indexing it with a generic name keeps the link to that event's payload. */
export const EVENT_PARSERS: { [E in ServerEventName]: z.ZodType<ServerEvents[E]> } = EVENT_SCHEMAS;
