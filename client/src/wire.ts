// Namespace import: the only form esbuild can tree-shake (see scripts/build-client.mjs).
import * as z from 'zod';
import {
  DtlsParametersSchema,
  ERROR_CODES,
  IDENTITY_METHODS,
  LobbyPreviewRequestSchema,
  MAX_CHAT_CHARS,
  MediaIdSchema,
  MediaKindSchema,
  MediaSourceSchema,
  PeerIdSchema,
  RtpCapabilitiesSchema,
  RtpParametersSchema,
  type ErrorBody,
  type PeerInfo,
  type ProducerInfo,
  type RequestResults,
  type ServerEvents,
  type TransportOptions,
} from '../../signaling/protocol/index.js';

/*
 * Parsers for what the server sends. The protocol declares results and events
 * as TypeScript interfaces only, so these schemas are assembled from its
 * building blocks (RtpCapabilitiesSchema, RtpParametersSchema, ids, ...) and
 * each is annotated with the protocol's own type: if the protocol changes a
 * shape, this file stops compiling instead of drifting.
 *
 * Objects are not strict: a newer server may add fields, and zod drops them.
 * (These belong in signaling/protocol next to the request schemas; until they
 * move there, the client is the only one that needs them.)
 */

// An unknown code from a newer server still shows the generic message.
const ErrorCodeSchema = z.enum(ERROR_CODES).catch('INTERNAL');

const ErrorBodySchema: z.ZodType<ErrorBody> = z.object({
  code: ErrorCodeSchema,
  message: z.string().max(1024),
  location: z
    .url({ protocol: /^https?$/ })
    .max(2048)
    .optional(),
});

export const AckSchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), data: z.unknown() }),
  z.object({ ok: z.literal(false), error: ErrorBodySchema }),
]);

const ProducerInfoSchema: z.ZodType<ProducerInfo> = z.object({
  producerId: MediaIdSchema,
  kind: MediaKindSchema,
  source: MediaSourceSchema,
  paused: z.boolean(),
});

const RoleSchema = z.enum(['host', 'guest']);
const PeerStateSchema = z.enum(['lobby', 'admitted']);

const PeerInfoSchema: z.ZodType<PeerInfo> = z.object({
  peerId: PeerIdSchema,
  displayName: z.string().max(256),
  role: RoleSchema,
  state: PeerStateSchema,
  producers: z.array(ProducerInfoSchema).max(16),
});
const PeersSchema = z.array(PeerInfoSchema).max(256);

const IceParametersSchema = z.object({
  usernameFragment: z.string().max(256),
  password: z.string().max(256),
  iceLite: z.boolean().optional(),
});

const TransportOptionsSchema: z.ZodType<TransportOptions> = z.object({
  id: MediaIdSchema,
  iceParameters: IceParametersSchema,
  iceCandidates: z
    .array(
      z.object({
        foundation: z.string().max(64),
        priority: z.number().int().nonnegative(),
        address: z.string().max(256),
        ip: z.string().max(256).optional(),
        protocol: z.enum(['udp', 'tcp']),
        port: z.number().int().min(0).max(65535),
        type: z.enum(['host', 'srflx', 'prflx', 'relay']),
        tcpType: z.enum(['active', 'passive', 'so']).optional(),
      }),
    )
    .max(32),
  dtlsParameters: DtlsParametersSchema,
  sctpParameters: z
    .object({
      port: z.number().int(),
      OS: z.number().int(),
      MIS: z.number().int(),
      maxMessageSize: z.number().int(),
    })
    .optional(),
});

const Empty = z.unknown().transform((): Record<string, never> => ({}));

/** One parser per request: the ack's `data` goes through it before anyone reads it. */
export const RESULT_SCHEMAS: { [N in keyof RequestResults]: z.ZodType<RequestResults[N]> } = {
  join: z.object({
    peerId: PeerIdSchema,
    role: RoleSchema,
    state: PeerStateSchema,
    resumeSecret: z.string().max(128),
    locked: z.boolean(),
    routerRtpCapabilities: RtpCapabilitiesSchema,
    peers: PeersSchema,
    iceServers: z
      .array(
        z.object({
          urls: z.array(z.string().max(512)).max(8),
          username: z.string().max(512).optional(),
          credential: z.string().max(512).optional(),
        }),
      )
      .max(8),
    transports: z
      .object({ send: TransportOptionsSchema.optional(), recv: TransportOptionsSchema.optional() })
      .optional(),
  }),
  routerCapabilities: z.object({ routerRtpCapabilities: RtpCapabilitiesSchema }),
  createTransport: TransportOptionsSchema,
  connectTransport: Empty,
  restartIce: z.object({ iceParameters: IceParametersSchema }),
  produce: z.object({ producerId: MediaIdSchema }),
  pauseProducer: Empty,
  resumeProducer: Empty,
  closeProducer: Empty,
  consume: z.object({
    consumerId: MediaIdSchema,
    producerId: MediaIdSchema,
    peerId: z.string().min(1).max(64),
    kind: MediaKindSchema,
    rtpParameters: RtpParametersSchema,
    source: MediaSourceSchema,
  }),
  resumeConsumer: Empty,
  pauseConsumer: Empty,
  setPreferredLayers: Empty,
  leave: Empty,
  admit: Empty,
  refuse: Empty,
  removePeer: Empty,
  mutePeer: Empty,
  lockRoom: Empty,
  endMeeting: Empty,
  requestDocument: Empty,
  verifyIdentity: Empty,
  lobbyPreview: Empty,
  chat: z.object({ at: z.string().max(64) }),
  invite: z.object({ link: z.string().max(2048), needsPassword: z.boolean() }),
};

const PeerAndProducer = z.object({ peerId: PeerIdSchema, producerId: MediaIdSchema });

/** One parser per server event; a payload that fails is dropped, never half-used. */
export const EVENT_SCHEMAS: { [E in keyof ServerEvents]: z.ZodType<ServerEvents[E]> } = {
  peerJoined: z.object({ peer: PeerInfoSchema }),
  peerLeft: z.object({ peerId: PeerIdSchema }),
  newProducer: z.object({ peerId: PeerIdSchema, producer: ProducerInfoSchema }),
  producerPaused: PeerAndProducer,
  producerResumed: PeerAndProducer,
  producerClosed: PeerAndProducer,
  consumerClosed: z.object({ consumerId: MediaIdSchema }),
  activeSpeaker: z.object({ peerId: PeerIdSchema.nullable() }),
  roomClosed: z.object({ reason: z.enum(['media-failure', 'ended', 'server-shutdown']) }),
  reconnect: z.object({ afterMs: z.number().int().nonnegative().max(600_000) }),
  kicked: z.object({ code: ErrorCodeSchema, message: z.string().max(1024) }),
  knock: z.object({ peer: PeerInfoSchema }),
  knockWithdrawn: z.object({ peerId: PeerIdSchema }),
  // The same data-URL rule the server applies to what guests send.
  lobbyPreview: z.object({ peerId: PeerIdSchema, image: LobbyPreviewRequestSchema.shape.image }),
  admitted: z.object({ peers: PeersSchema }),
  peerMuted: PeerAndProducer,
  roomLocked: z.object({ locked: z.boolean() }),
  documentRequested: Empty,
  identityVerified: z.object({ peerId: PeerIdSchema, method: z.enum(IDENTITY_METHODS), by: PeerIdSchema }),
  chatMessage: z.object({
    peerId: PeerIdSchema,
    displayName: z.string().max(256),
    text: z.string().max(MAX_CHAT_CHARS),
    at: z.string().max(64),
  }),
};

/** What a `connect_error` carries when the server refuses the handshake. */
export const ConnectErrorDataSchema = z.object({ code: ErrorCodeSchema });
